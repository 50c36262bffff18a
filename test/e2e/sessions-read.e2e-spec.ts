import { bearer, commune, committee, department, secretariat } from '../support/recommendation-fixtures';
import { setUpAdministrator } from '../support/sessions';
import { createTestApp, type TestApp } from '../support/test-app';

/**
 * The read side of provincial practice over HTTP: sessions listed and read with counts in the
 * caller's scope, who may see which session, `?sessionId=` and `?involvement=` on the list, and the
 * summary's coordination figures; malformed input answered with the API's error shape.
 */
describe('sessions, involvement and coordination figures, read over HTTP', () => {
  let t: TestApp;
  let sessionId: string;
  let position: string;
  const items: string[] = [];
  const COMMUNES = ['tam-thanh', 'luong-van-tri'];

  const get = async (path: string, token: string) => t.http().get(path).set('Authorization', bearer(token));
  const post = async (path: string, token: string, body: object) =>
    t.http().post(path).set('Authorization', bearer(token)).send(body);

  beforeAll(async () => {
    t = await createTestApp();
    const clerk = await secretariat(t);
    const session = await post('/sessions', clerk, {
      workingGroup: 1,
      date: '2026-02-27',
      communes: COMMUNES,
      place: 'Tam Thanh',
    });
    expect(session.status).toBe(201);
    sessionId = session.body.id as string;
    for (const at of COMMUNES) {
      const raised = await post('/recommendations', clerk, {
        sessionId,
        commune: at,
        title: `Raised by ${at} at the session`,
        description: 'A new headquarters for the merged ward.',
        category: 'headquarters',
      });
      expect(raised.status).toBe(201);
      items.push(raised.body.id as string);
    }
    expect((await post(`/recommendations/${items[0]}/accept`, clerk, {})).status).toBe(200);
    const assigned = await post(`/recommendations/${items[0]}/assign`, clerk, {
      department: 'home-affairs',
      dueAt: '2026-04-30T17:00:00+07:00',
      coordinating: [{ department: 'finance', dueAt: '2026-04-15T17:00:00+07:00' }],
    });
    expect(assigned.status).toBe(200);
    position = String(assigned.body.position);
  });
  afterAll(() => t.close());

  it('lists the session with its counts, filtered by group, commune and dates', async () => {
    const clerk = await secretariat(t);
    const all = await get(`/sessions?minPosition=${position}`, clerk);
    expect(all.status).toBe(200);
    expect(all.body).toEqual({
      items: [
        {
          id: sessionId,
          workingGroup: 1,
          date: '2026-02-27',
          communes: COMMUNES,
          place: 'Tam Thanh',
          leader: null,
          minutesRef: null,
          counts: { raised: 2, open: 2, overdue: 0, resolved: 0 },
        },
      ],
    });
    for (const query of ['workingGroup=1', 'commune=luong-van-tri', 'from=2026-02-27&to=2026-02-27'])
      expect((await get(`/sessions?${query}`, clerk)).body.items).toHaveLength(1);
    for (const query of ['workingGroup=2', 'commune=na-sam', 'from=2026-02-28', 'to=2026-02-26'])
      expect((await get(`/sessions?${query}`, clerk)).body.items).toEqual([]);
  });

  it('counts and lists only what the caller may read; a commune that was not there does not see the session', async () => {
    const finance = await get(`/sessions/${sessionId}?minPosition=${position}`, await department(t, 'finance'));
    expect(finance.status).toBe(200);
    expect(finance.body.counts).toEqual({ raised: 1, open: 1, overdue: 0, resolved: 0 });
    expect(finance.body.recommendations).toEqual([
      expect.objectContaining({ id: items[0], sessionId, department: 'home-affairs', status: 'assigned' }),
    ]);
    const own = await get(`/sessions/${sessionId}`, await commune(t, 'luong-van-tri'));
    expect(own.status).toBe(200);
    expect(own.body.recommendations.map((i: { id: string }) => i.id)).toEqual([items[1]]);
    const absent = await get(`/sessions/${sessionId}`, await commune(t, 'na-sam'));
    expect(absent.status).toBe(404);
    expect(absent.body.code).toBe('SESSION.NOT_FOUND');
    expect((await get('/sessions', await commune(t, 'na-sam'))).body.items).toEqual([]);
  });

  it('a session is found as soon as it is recorded, before the read models reach it', async () => {
    const clerk = await secretariat(t);
    const recorded = await post('/sessions', clerk, { workingGroup: 2, date: '2026-02-26', communes: ['na-sam'] });
    const detail = await get(`/sessions/${recorded.body.id as string}`, await committee(t));
    expect(detail.status).toBe(200);
    expect(detail.body).toMatchObject({ id: recorded.body.id, workingGroup: 2, communes: ['na-sam'], recommendations: [] });
  });

  it('unknown and malformed ids are 404 SESSION.NOT_FOUND; malformed filters 400; the administrator 403', async () => {
    const clerk = await secretariat(t);
    for (const id of ['00000000-0000-4000-8000-000000000000', 'not-a-session', '%00%0a', 'x'.repeat(300)]) {
      const res = await get(`/sessions/${id}`, clerk);
      expect({ id, status: res.status, code: res.body.code }).toEqual({ id, status: 404, code: 'SESSION.NOT_FOUND' });
    }
    for (const query of ['from=2026-02-30', 'to=yesterday', 'workingGroup=first', 'unknown=1', 'from=2026-02-27T00:00:00Z']) {
      const res = await get(`/sessions?${query}`, clerk);
      expect({ query, status: res.status, code: res.body.code }).toEqual({ query, status: 400, code: 'VALIDATION.FAILED' });
    }
    const admin = await setUpAdministrator(t);
    expect((await t.http().get('/sessions').set('Cookie', admin.cookie)).status).toBe(403);
    expect((await t.http().get(`/sessions/${sessionId}`).set('Cookie', admin.cookie)).status).toBe(403);
  });

  it('?sessionId= and ?involvement= on the list', async () => {
    const clerk = await secretariat(t);
    const bySession = await get(`/recommendations?sessionId=${sessionId.toUpperCase()}&minPosition=${position}`, clerk);
    expect(bySession.status).toBe(200);
    expect(bySession.body.items.map((i: { id: string }) => i.id).sort()).toEqual([...items].sort());
    expect(bySession.body.items.every((i: { sessionId: string }) => i.sessionId === sessionId)).toBe(true);

    const finance = await department(t, 'finance');
    const coordinating = await get('/recommendations?involvement=coordinating', finance);
    expect(coordinating.body.items.map((i: { id: string }) => i.id)).toEqual([items[0]]);
    expect((await get('/recommendations?involvement=lead', finance)).body.items).toEqual([]);
    const named = await get('/recommendations?involvement=lead&department=home-affairs', clerk);
    expect(named.body.items.map((i: { id: string }) => i.id)).toEqual([items[0]]);

    for (const query of ['involvement=observer', 'sessionId=not-a-session']) {
      const res = await get(`/recommendations?${query}`, clerk);
      expect({ query, status: res.status, code: res.body.code }).toEqual({ query, status: 400, code: 'VALIDATION.FAILED' });
    }
  });

  it('the summary counts the item for its lead and the part for its coordinating department', async () => {
    const summary = await get(`/reports/summary?minPosition=${position}`, await committee(t));
    expect(summary.status).toBe(200);
    expect(summary.body.departments).toEqual([
      expect.objectContaining({ department: 'home-affairs', open: 1, explanationsPending: 0, explanationsLate: 0 }),
    ]);
    expect(summary.body.coordination).toEqual([
      { department: 'finance', due: 1, contributed: 0, contributedLate: 0, missing: 0 },
    ]);
    expect(summary.body.explanations).toEqual({ pending: 0, late: 0, answered: 0, answeredLate: 0 });
    const past = await get(`/reports/summary?asOf=${encodeURIComponent('2026-03-02T08:00:00+07:00')}`, await committee(t));
    expect(past.status).toBe(200);
    expect(past.body).toMatchObject({ coordination: [], explanations: { pending: 0, late: 0, answered: 0, answeredLate: 0 } });
  });
});
