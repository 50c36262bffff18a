import { createTestApp, type TestApp } from '../support/test-app';

/** Auditors replay history: every step with its actor, the item and the province as of any past time. */
describe('audit over HTTP', () => {
  let t: TestApp;
  const auth: Record<string, string> = {};

  beforeAll(async () => {
    t = await createTestApp({ now: '2026-03-02T09:00:00+07:00' });
    auth.secretariat = `Bearer ${await t.token({ role: 'secretariat', sub: 'clerk-lan' })}`;
    auth.committee = `Bearer ${await t.token({ role: 'committee', sub: 'member-minh' })}`;
    auth.auditor = `Bearer ${await t.token({ role: 'auditor', sub: 'inspector-hoa' })}`;
    auth.homeAffairs = `Bearer ${await t.token({ role: 'department', department: 'home-affairs', sub: 'officer-ha' })}`;
    auth.finance = `Bearer ${await t.token({ role: 'department', department: 'finance', sub: 'officer-fin' })}`;
  });
  afterAll(() => t.close());

  async function step(at: string, path: string, who: string, body: object) {
    t.clock.set(at);
    const res = await t.http().post(path).set('Authorization', auth[who]).send(body);
    expect(res.status).toBeLessThan(300);
    return res.body as { id: string; position: number; status: string };
  }

  it('the history of a travelled item lists every step with its actor, and asOf gives each step its state', async () => {
    const { id } = await step('2026-03-02T09:00:00+07:00', '/recommendations', 'secretariat', {
      commune: 'tam-thanh',
      title: 'Invest in a centralized headquarters',
      description: 'Four buildings since the merger.',
      category: 'headquarters',
    });
    const base = `/recommendations/${id}`;
    const steps: Array<[string, string, string, object, string, string]> = [
      ['2026-03-03T09:00:00+07:00', `${base}/accept`, 'secretariat', {}, 'RecommendationAccepted', 'accepted'],
      [
        '2026-03-04T09:00:00+07:00',
        `${base}/assign`,
        'secretariat',
        { department: 'finance', dueAt: '2026-04-30T17:00:00+07:00' },
        'RecommendationAssigned',
        'assigned',
      ],
      [
        '2026-03-05T09:00:00+07:00',
        `${base}/return`,
        'finance',
        { reason: 'Construction is competent.' },
        'AssignmentReturned',
        'accepted',
      ],
      [
        '2026-03-06T09:00:00+07:00',
        `${base}/assign`,
        'secretariat',
        { department: 'home-affairs', dueAt: '2026-04-30T17:00:00+07:00' },
        'RecommendationAssigned',
        'assigned',
      ],
      [
        '2026-03-20T09:00:00+07:00',
        `${base}/resolve`,
        'homeAffairs',
        { resolution: 'Land allocated in plan 2026.' },
        'RecommendationResolved',
        'resolved',
      ],
      [
        '2026-03-25T09:00:00+07:00',
        `${base}/reopen`,
        'committee',
        { reason: 'No date for the building.', dueAt: '2026-05-30T17:00:00+07:00' },
        'RecommendationReopened',
        'assigned',
      ],
    ];
    for (const [at, path, who, body] of steps) await step(at, path, who, body);

    const history = (await t.http().get(`${base}/history`).set('Authorization', auth.auditor).expect(200)).body.events as Array<{
      revision: number;
      type: string;
      actor: { sub: string; role: string };
      occurredAt: string;
    }>;
    expect(history.map((e) => e.type)).toEqual(['RecommendationRaised', ...steps.map((s) => s[4])]);
    expect(history.map((e) => e.actor.sub)).toEqual([
      'clerk-lan',
      'clerk-lan',
      'clerk-lan',
      'officer-fin',
      'clerk-lan',
      'officer-ha',
      'member-minh',
    ]);
    expect(history.map((e) => e.revision)).toEqual([0, 1, 2, 3, 4, 5, 6]);

    for (const [index, [at, , , , , status]] of steps.entries()) {
      const asOf = encodeURIComponent(at);
      const then = await t.http().get(`${base}?asOf=${asOf}`).set('Authorization', auth.auditor).expect(200);
      expect(then.body).toMatchObject({ status, revision: index + 1 });
    }
    const returnedThen = await t
      .http()
      .get(`${base}?asOf=${encodeURIComponent('2026-03-05T12:00:00+07:00')}`)
      .set('Authorization', auth.auditor);
    expect(returnedThen.body.assignment).toBeNull();
    const reopened = await t.http().get(base).set('Authorization', auth.auditor);
    expect(reopened.body.assignment).toMatchObject({ department: 'home-affairs', assignmentNo: 3 });

    // The department that returned it still reads its history; a commune may not.
    await t.http().get(`${base}/history`).set('Authorization', auth.finance).expect(200);
    const commune = await t
      .http()
      .get(`${base}/history`)
      .set('Authorization', `Bearer ${await t.token({ role: 'commune', commune: 'tam-thanh' })}`);
    expect(commune.status).toBe(403);
  });

  it('summary?asOf= and overdue?asOf= for a past date equal what the live reports said at that date', async () => {
    const { id } = await step('2026-04-01T09:00:00+07:00', '/recommendations', 'secretariat', {
      commune: 'ky-lua',
      title: 'Second IT staff',
      description: 'x',
      category: 'it-network',
    });
    await step('2026-04-01T10:00:00+07:00', `/recommendations/${id}/accept`, 'secretariat', {});
    const assigned = await step('2026-04-01T11:00:00+07:00', `/recommendations/${id}/assign`, 'secretariat', {
      department: 'finance',
      dueAt: '2026-04-10T17:00:00+07:00',
    });

    const captureAt = '2026-04-15T09:00:00+07:00';
    t.clock.set(captureAt);
    const live = (
      await t.http().get(`/reports/summary?minPosition=${assigned.position}`).set('Authorization', auth.committee).expect(200)
    ).body;
    const liveOverdue = (await t.http().get('/reports/overdue?groupBy=commune').set('Authorization', auth.committee).expect(200))
      .body;
    expect(liveOverdue.total).toBeGreaterThan(0);

    // More happens after the capture: resolutions, a new item.
    await step('2026-04-20T09:00:00+07:00', `/recommendations/${id}/resolve`, 'finance', {
      resolution: 'Seconded for 6 months.',
    });
    await step('2026-04-21T09:00:00+07:00', '/recommendations', 'secretariat', {
      commune: 'tam-thanh',
      title: 'Road',
      description: 'x',
      category: 'roads',
    });
    t.clock.set('2026-05-01T09:00:00+07:00');

    const past = (
      await t
        .http()
        .get(`/reports/summary?asOf=${encodeURIComponent(captureAt)}`)
        .set('Authorization', auth.committee)
        .expect(200)
    ).body;
    expect(past).toEqual(live);
    const pastOverdue = (
      await t
        .http()
        .get(`/reports/overdue?groupBy=commune&asOf=${encodeURIComponent(captureAt)}`)
        .set('Authorization', auth.committee)
        .expect(200)
    ).body;
    expect(pastOverdue).toEqual(liveOverdue);
    const now = (await t.http().get('/reports/summary').set('Authorization', auth.committee).expect(200)).body;
    expect(now).not.toEqual(live);
  });

  it('GET /audit/events streams the log as NDJSON, filtered and resumable; /audit/verify passes; the public key is published', async () => {
    const res = await t.http().get('/audit/events?limit=3').set('Authorization', auth.auditor).expect(200);
    expect(res.headers['content-type']).toContain('application/x-ndjson');
    const lines = res.text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { position: number; type: string });
    expect(lines).toHaveLength(3);
    const next = await t
      .http()
      .get(`/audit/events?fromPosition=${lines[2].position + 1}&limit=1`)
      .set('Authorization', auth.auditor)
      .expect(200);
    expect(JSON.parse(next.text.trim()).position).toBeGreaterThan(lines[2].position);
    const reopened = await t
      .http()
      .get('/audit/events?type=RecommendationReopened')
      .set('Authorization', auth.auditor)
      .expect(200);
    expect(reopened.text.trim().split('\n')).toHaveLength(1);
    await t.http().get('/audit/events').set('Authorization', auth.committee).expect(403);

    const verify = await t.http().get('/audit/verify').set('Authorization', auth.auditor).expect(200);
    expect(verify.body).toMatchObject({ ok: true, failures: [] });
    expect(verify.body.events).toBeGreaterThan(10);
    const key = await t.http().get('/audit/public-key').expect(200);
    expect(key.body.publicKey).toContain('BEGIN PUBLIC KEY');
  });
});
