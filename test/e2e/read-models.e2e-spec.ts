import { createTestApp, type TestApp } from '../support/test-app';

/** The query side over HTTP: scope by role, overdue against the clock, read-your-writes with minPosition. */
describe('lists and reports', () => {
  let t: TestApp;
  const auth: Record<string, string> = {};
  let homeAffairsItem: string;
  let financeItem: string;
  let otherCommuneItem: string;
  let lastPosition = 0;

  async function command(path: string, who: string, body: object) {
    const res = await t.http().post(path).set('Authorization', auth[who]).send(body);
    expect(res.status).toBeLessThan(300);
    lastPosition = Math.max(lastPosition, res.body.position as number);
    return res.body as { id: string; position: number };
  }

  async function assigned(commune: string, department: string, dueAt: string, title: string) {
    const { id } = await command('/recommendations', 'secretariat', {
      commune,
      title,
      description: `${title} — raised at the working session.`,
      category: 'staffing',
    });
    await command(`/recommendations/${id}/accept`, 'secretariat', {});
    await command(`/recommendations/${id}/assign`, 'secretariat', { department, dueAt });
    return id;
  }

  async function list(who: string, query = '') {
    const res = await t
      .http()
      .get(`/recommendations?minPosition=${lastPosition}${query}`)
      .set('Authorization', auth[who])
      .expect(200);
    return res.body as {
      items: Array<{ id: string; overdue: boolean; daysOverdue: number }>;
      total: number;
      nextCursor: string | null;
    };
  }

  beforeAll(async () => {
    t = await createTestApp({ now: '2026-03-02T09:00:00+07:00' });
    auth.secretariat = `Bearer ${await t.token({ role: 'secretariat' })}`;
    auth.committee = `Bearer ${await t.token({ role: 'committee' })}`;
    auth.homeAffairs = `Bearer ${await t.token({ role: 'department', department: 'home-affairs' })}`;
    auth.finance = `Bearer ${await t.token({ role: 'department', department: 'finance' })}`;
    auth.tamThanh = `Bearer ${await t.token({ role: 'commune', commune: 'tam-thanh' })}`;
    homeAffairsItem = await assigned(
      'tam-thanh',
      'home-affairs',
      '2026-03-10T17:00:00+07:00',
      'Add more vice chairmen of the ward',
    );
    financeItem = await assigned(
      'tam-thanh',
      'finance',
      '2026-04-10T17:00:00+07:00',
      'Allocate funds to repair the headquarters',
    );
    otherCommuneItem = await assigned(
      'luong-van-tri',
      'home-affairs',
      '2026-05-10T17:00:00+07:00',
      'Second IT staff to the ward',
    );
    const raisedByCommune = await command('/recommendations', 'tamThanh', {
      commune: 'tam-thanh',
      title: 'Upgrade the road',
      description: 'Dirt road.',
      category: 'roads',
    });
    expect(raisedByCommune.id).toBeDefined();
  });
  afterAll(() => t.close());

  it('a department sees exactly the items assigned to it', async () => {
    const home = await list('homeAffairs');
    expect(home.items.map((i) => i.id).sort()).toEqual([homeAffairsItem, otherCommuneItem].sort());
    expect(home.total).toBe(2);
    const finance = await list('finance');
    expect(finance.items.map((i) => i.id)).toEqual([financeItem]);
  });

  it('a commune sees exactly its own items, the committee everything', async () => {
    const commune = await list('tamThanh');
    expect(commune.total).toBe(3);
    expect(commune.items.map((i) => i.id)).not.toContain(otherCommuneItem);
    const all = await list('committee');
    expect(all.total).toBe(4);
  });

  it('a department keeps seeing an item it returned, and the new department sees it too', async () => {
    const { id } = await command('/recommendations', 'secretariat', {
      commune: 'tam-thanh',
      title: 'Guide the transfer of officials',
      description: 'x',
      category: 'staffing',
    });
    await command(`/recommendations/${id}/accept`, 'secretariat', {});
    await command(`/recommendations/${id}/assign`, 'secretariat', { department: 'finance', dueAt: '2026-06-01T17:00:00+07:00' });
    await command(`/recommendations/${id}/return`, 'finance', { reason: 'Not ours.' });
    await command(`/recommendations/${id}/assign`, 'secretariat', {
      department: 'home-affairs',
      dueAt: '2026-06-01T17:00:00+07:00',
    });
    expect((await list('finance')).items.map((i) => i.id)).toContain(id);
    expect((await list('homeAffairs', '&department=home-affairs')).items.map((i) => i.id)).toContain(id);
    expect((await list('finance', '&department=finance')).items.map((i) => i.id)).not.toContain(id);
  });

  it('overdue appears when the clock passes dueAt and disappears on resolve', async () => {
    expect((await list('committee', '&overdue=true')).total).toBe(0);
    t.clock.set('2026-03-12T09:00:00+07:00');
    const overdue = await list('committee', '&overdue=true');
    expect(overdue.items.map((i) => i.id)).toEqual([homeAffairsItem]);
    expect(overdue.items[0].daysOverdue).toBe(1);
    const report = await t
      .http()
      .get(`/reports/overdue?groupBy=department&minPosition=${lastPosition}`)
      .set('Authorization', auth.committee)
      .expect(200);
    expect(report.body.total).toBe(1);
    expect(report.body.groups).toEqual([
      expect.objectContaining({ key: 'home-affairs', count: 1, oldestDueAt: '2026-03-10T17:00:00+07:00' }),
    ]);

    await command(`/recommendations/${homeAffairsItem}/resolve`, 'homeAffairs', { resolution: 'Decision on staffing issued.' });
    expect((await list('committee', '&overdue=true')).total).toBe(0);
    const summary = await t
      .http()
      .get(`/reports/summary?minPosition=${lastPosition}`)
      .set('Authorization', auth.committee)
      .expect(200);
    const home = summary.body.departments.find((d: { department: string }) => d.department === 'home-affairs');
    expect(home).toMatchObject({ resolved: 1, resolvedOnTime: 0, onTimeRate: 0 });
  });

  it('the inbox sorts by due date and pages with a cursor', async () => {
    const first = await list('committee', '&status=assigned&sort=dueAt&limit=1');
    expect(first.nextCursor).not.toBeNull();
    const second = await t
      .http()
      .get(`/recommendations?status=assigned&sort=dueAt&limit=1&cursor=${first.nextCursor}`)
      .set('Authorization', auth.committee)
      .expect(200);
    expect(second.body.items[0].id).not.toBe(first.items[0].id);
    const bad = await t.http().get('/recommendations?cursor=not-a-cursor').set('Authorization', auth.committee);
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('VALIDATION.CURSOR');
  });

  it('full-text search over title and description', async () => {
    const found = await list('committee', '&q=vice%20chairmen');
    expect(found.items.map((i) => i.id)).toEqual([homeAffairsItem]);
  });

  it('refuses unknown query parameters and a commune asking for reports', async () => {
    const unknown = await t.http().get('/recommendations?colour=red').set('Authorization', auth.committee);
    expect(unknown.status).toBe(400);
    const commune = await t.http().get('/reports/summary').set('Authorization', auth.tamThanh);
    expect(commune.status).toBe(403);
  });

  it('/health reports the projections caught up', async () => {
    const health = await t.health('/health?minPosition=' + lastPosition);
    expect(health.status).toBe(200);
    expect(health.body.projections.position).toBeGreaterThanOrEqual(lastPosition);
    expect(health.body.projections.lag).toBe(0);
  });
});
