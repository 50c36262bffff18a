import { createTestApp, type TestApp } from '../support/test-app';

describe('probe', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });
  it('probes', async () => {
    const sec = await t.token({ role: 'secretariat' });
    const r = await t
      .http()
      .post('/recommendations')
      .set('Authorization', `Bearer ${sec}`)
      .send({ commune: 'tam-thanh', title: 'x', description: 'y', category: 'staffing' });
    console.log(r.status, r.body, r.headers.etag);
    const id = r.body.id;
    const a = await t.http().post(`/recommendations/${id}/accept`).set('Authorization', `Bearer ${sec}`);
    console.log(a.status, a.body);
    const b = await t
      .http()
      .post(`/recommendations/${id}/assign`)
      .set('Authorization', `Bearer ${sec}`)
      .send({ department: 'finance', dueInWorkingDays: 5 });
    console.log(b.status, b.body);
    const dep = await t.token({ role: 'department', department: 'finance' });
    const c = await t.http().post(`/recommendations/${id}/acknowledge`).set('Authorization', `Bearer ${dep}`);
    console.log('ack', c.status, c.body);
    const c2 = await t.http().post(`/recommendations/${id}/acknowledge`).set('Authorization', `Bearer ${dep}`).send({});
    console.log('ack2', c2.status, c2.body);
    const m = await t
      .http()
      .post(`/recommendations/${id}/progress`)
      .set('Authorization', `Bearer ${dep}`)
      .set('Content-Type', 'application/json')
      .send('{"note":');
    console.log('malformed', m.status, m.body, m.text.slice(0, 200));
    const big = await t
      .http()
      .post(`/recommendations/${id}/progress`)
      .set('Authorization', `Bearer ${dep}`)
      .send({ note: 'x'.repeat(200_000) });
    console.log('big', big.status, big.body, big.text.slice(0, 200));
    const g = await t.http().get(`/recommendations/${id}`).set('Authorization', `Bearer ${dep}`);
    console.log(JSON.stringify(g.body, null, 1), g.headers.etag);
    const h = await t
      .http()
      .get(`/recommendations/${id}/history`)
      .set('Authorization', `Bearer ${dep}`)
      .set('X-Correlation-Id', 'corr-1');
    console.log(JSON.stringify(h.body, null, 1));
  });
});
