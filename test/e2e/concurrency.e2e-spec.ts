import { raiseAccepted, run } from '../support/recommendation-fixtures';
import { createTestApp, type TestApp } from '../support/test-app';

/** API.md's promises under concurrent and repeated requests: no lost update, nothing appended twice. */
describe('concurrent and repeated commands', () => {
  let t: TestApp;
  let secretariat: string;
  let department: string;

  beforeAll(async () => {
    t = await createTestApp();
    secretariat = `Bearer ${await t.token({ role: 'secretariat' })}`;
    department = `Bearer ${await t.token({ role: 'department', department: 'home-affairs' })}`;
  });
  afterAll(() => t.close());

  async function assignedItem(): Promise<string> {
    const id = await raiseAccepted(t, { title: 'Second IT staff to the ward', category: 'staffing' });
    await run(t, id, 'assign', await t.token({ role: 'secretariat' }), { department: 'home-affairs', dueInWorkingDays: 10 });
    return id;
  }

  async function history(id: string) {
    const res = await t.http().get(`/recommendations/${id}/history`).set('Authorization', secretariat).expect(200);
    return res.body.events as Array<{ revision: number; type: string }>;
  }

  it('20 concurrent commands with the same If-Match: exactly one succeeds, the others get 412', async () => {
    const id = await assignedItem();
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        t
          .http()
          .post(`/recommendations/${id}/progress`)
          .set('Authorization', department)
          .set('If-Match', '"2"')
          .send({ note: `report ${i}` }),
      ),
    );
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 412)).toHaveLength(19);
    expect(responses.find((r) => r.status === 412)?.body.code).toBe('RECOMMENDATION.STALE_REVISION');
    expect((await history(id)).map((e) => e.revision)).toEqual([0, 1, 2, 3]);
  });

  it('20 concurrent commands without If-Match all succeed, with revisions 0..n and no gap', async () => {
    const id = await assignedItem();
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        t
          .http()
          .post(`/recommendations/${id}/progress`)
          .set('Authorization', department)
          .send({ note: `report ${i}` }),
      ),
    );
    expect(responses.every((r) => r.status === 200)).toBe(true);
    const revisions = responses.map((r) => r.body.revision as number).sort((a, b) => a - b);
    expect(revisions).toEqual(Array.from({ length: 20 }, (_, i) => i + 3));
    const events = await history(id);
    expect(events.map((e) => e.revision)).toEqual(Array.from({ length: 23 }, (_, i) => i));
    expect(events.filter((e) => e.type === 'ProgressReported')).toHaveLength(20);
  });

  it('a retried Idempotency-Key returns the identical answer and appends nothing', async () => {
    const body = {
      commune: 'luong-van-tri',
      title: 'Upgrade the road to the ward centre',
      description: '3 km of dirt road.',
      category: 'roads',
    };
    const first = await t
      .http()
      .post('/recommendations')
      .set('Authorization', secretariat)
      .set('Idempotency-Key', 'raise-road-1')
      .send(body)
      .expect(201);
    const again = await t
      .http()
      .post('/recommendations')
      .set('Authorization', secretariat)
      .set('Idempotency-Key', 'raise-road-1')
      .send(body)
      .expect(201);
    expect(again.body).toEqual(first.body);
    expect(again.headers.etag).toBe(first.headers.etag);
    expect(await history(first.body.id)).toHaveLength(1);

    const accept = () =>
      t
        .http()
        .post(`/recommendations/${first.body.id}/accept`)
        .set('Authorization', secretariat)
        .set('Idempotency-Key', 'accept-road-1')
        .send({ note: 'ok' });
    const accepted = await accept().expect(200);
    const retried = await accept().expect(200);
    expect(retried.body).toEqual(accepted.body);
    expect(await history(first.body.id)).toHaveLength(2);
  });

  it('concurrent retries with one Idempotency-Key append once', async () => {
    const id = await assignedItem();
    const responses = await Promise.all(
      Array.from({ length: 10 }, () =>
        t
          .http()
          .post(`/recommendations/${id}/progress`)
          .set('Authorization', department)
          .set('Idempotency-Key', 'progress-once')
          .send({ note: 'survey done' }),
      ),
    );
    expect(responses.every((r) => r.status === 200)).toBe(true);
    expect(new Set(responses.map((r) => JSON.stringify(r.body))).size).toBe(1);
    expect((await history(id)).filter((e) => e.type === 'ProgressReported')).toHaveLength(1);
  });

  it('an Idempotency-Key reused with another body is refused and changes nothing', async () => {
    const id = await assignedItem();
    await t
      .http()
      .post(`/recommendations/${id}/progress`)
      .set('Authorization', department)
      .set('Idempotency-Key', 'k-1')
      .send({ note: 'a' })
      .expect(200);
    const reused = await t
      .http()
      .post(`/recommendations/${id}/progress`)
      .set('Authorization', department)
      .set('Idempotency-Key', 'k-1')
      .send({ note: 'b' });
    expect(reused.status).toBe(409);
    expect(reused.body.code).toBe('IDEMPOTENCY.KEY_REUSED');
    expect(await history(id)).toHaveLength(4);
  });

  it('keys are scoped to the caller: another user with the same key runs their own command', async () => {
    const id = await assignedItem();
    const other = `Bearer ${await t.token({ role: 'department', department: 'home-affairs', sub: 'another-officer' })}`;
    await t
      .http()
      .post(`/recommendations/${id}/progress`)
      .set('Authorization', department)
      .set('Idempotency-Key', 'shared')
      .send({ note: 'a' })
      .expect(200);
    await t
      .http()
      .post(`/recommendations/${id}/progress`)
      .set('Authorization', other)
      .set('Idempotency-Key', 'shared')
      .send({ note: 'a' })
      .expect(200);
    expect((await history(id)).filter((e) => e.type === 'ProgressReported')).toHaveLength(2);
  });
});

describe('working-day deadlines', () => {
  it('dueInWorkingDays: 5 from the Friday before Tet 2026 skips the announced break 14–22 February', async () => {
    const t = await createTestApp({ now: '2026-02-13T10:00:00+07:00' });
    try {
      const secretariat = `Bearer ${await t.token({ role: 'secretariat' })}`;
      const id = await raiseAccepted(t, { title: 'Repair the ward headquarters', category: 'headquarters' });
      await run(t, id, 'assign', await t.token({ role: 'secretariat' }), { department: 'finance', dueInWorkingDays: 5 });
      const item = await t.http().get(`/recommendations/${id}`).set('Authorization', secretariat).expect(200);
      expect(item.body.assignment.dueAt).toBe('2026-02-27T23:59:59+07:00');
      const basis = item.body.assignment.dueBasis;
      expect(basis.method).toBe('workingDays');
      expect(basis.workingDays).toBe(5);
      const skipped = (basis.skipped as Array<{ date: string }>).map((d) => d.date);
      for (let day = 14; day <= 22; day++) expect(skipped).toContain(`2026-02-${day}`);
    } finally {
      await t.close();
    }
  });
});
