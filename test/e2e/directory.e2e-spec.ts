import { auditor, bearer, postRaise, raiseAccepted, raiseBody, run, secretariat } from '../support/recommendation-fixtures';
import { postAs, setUpAdministrator, type Browser } from '../support/sessions';
import { createTestApp, type TestApp } from '../support/test-app';

/**
 * ACCEPTANCE (a directory that changes over time): the directory is seeded from the file once,
 * then changed only by the administrator, each change an event; `GET /directory?asOf=` gives it
 * as it was; a retired code stays known and takes no new items.
 */
describe('the directory kept in the log', () => {
  let t: TestApp;
  let admin: Browser;

  const post = (path: string, body: object = {}) => postAs(t, admin, path, body);
  const directory = async (query = '') =>
    (
      await t
        .http()
        .get(`/directory${query}`)
        .set('Authorization', bearer(await secretariat(t)))
    ).body as {
      departments: Array<{ code: string; name: string; nameEn: string | null; retired: boolean }>;
      communes: Array<{ code: string; name: string; retired: boolean }>;
      categories: Array<{ code: string; name: string }>;
    };

  beforeAll(async () => {
    t = await createTestApp();
    admin = await setUpAdministrator(t);
  });
  afterAll(() => t.close());

  it('serves the seeded directory with Vietnamese names, English beside them, nothing retired', async () => {
    const d = await directory();
    expect(d.departments.find((x) => x.code === 'home-affairs')).toEqual({
      code: 'home-affairs',
      name: 'Sở Nội vụ',
      nameEn: 'Department of Home Affairs',
      retired: false,
    });
    expect(d.communes.find((c) => c.code === 'dong-kinh')?.name).toBe('Phường Đông Kinh');
    expect(d.communes.every((c) => !c.retired)).toBe(true);
  });

  it('renames a department; asOf before the rename gives the old name', async () => {
    const before = t.clock.now().toISOString();
    t.clock.advance(60_000);
    const renamed = await post('/admin/directory/departments/justice/rename', {
      name: 'Sở Tư pháp tỉnh Lạng Sơn',
      nameEn: 'Lang Son Department of Justice',
    });
    expect(renamed.status).toBe(200);
    expect((await directory()).departments.find((x) => x.code === 'justice')?.name).toBe('Sở Tư pháp tỉnh Lạng Sơn');
    const then = await directory(`?asOf=${encodeURIComponent(before)}`);
    expect(then.departments.find((x) => x.code === 'justice')?.name).toBe('Sở Tư pháp');
    const history = await t
      .http()
      .get('/audit/events?stream=directory&type=DirectoryEntryRenamed')
      .set('Authorization', bearer(await auditor(t)));
    const lines = history.text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { data: { code: string }; metadata: { actor: { role: string } } });
    expect(lines).toEqual([expect.objectContaining({ data: expect.objectContaining({ code: 'justice' }) })]);
    expect(lines[0].metadata.actor.role).toBe('admin');
  });

  it('adds a commune that takes items at once; a retired one takes no new items but stays known', async () => {
    const added = await post('/admin/directory/communes', {
      code: 'xa-moi',
      name: 'Xã Mới',
      nameEn: 'New commune',
      kind: 'commune',
      workingGroup: 1,
    });
    expect(added.status).toBe(201);
    const raised = await postRaise(t, await secretariat(t), raiseBody({ commune: 'xa-moi' }));
    expect(raised.status).toBe(201);

    expect((await post('/admin/directory/communes/xa-moi/retire', { reason: 'Sáp nhập' })).status).toBe(200);
    const refused = await postRaise(t, await secretariat(t), raiseBody({ commune: 'xa-moi' }));
    expect({ status: refused.status, code: refused.body.code }).toEqual({ status: 400, code: 'DIRECTORY.RETIRED' });
    expect((await directory()).communes.find((c) => c.code === 'xa-moi')).toMatchObject({ retired: true });
    // The item raised before still reads, still names its commune.
    const item = await t
      .http()
      .get(`/recommendations/${raised.body.id}`)
      .set('Authorization', bearer(await secretariat(t)));
    expect(item.body.commune).toBe('xa-moi');
    const again = await post('/admin/directory/communes', { code: 'xa-moi', name: 'Xã Mới lần hai' });
    expect({ status: again.status, code: again.body.code }).toEqual({ status: 409, code: 'DIRECTORY.CODE_TAKEN' });
  });

  it('refuses an assignment to a retired department', async () => {
    expect((await post('/admin/directory/departments', { code: 'so-tam', name: 'Sở Tạm' })).status).toBe(201);
    expect((await post('/admin/directory/departments/so-tam/retire')).status).toBe(200);
    const id = await raiseAccepted(t);
    const res = await t
      .http()
      .post(`/recommendations/${id}/assign`)
      .set('Authorization', bearer(await secretariat(t)))
      .send({ department: 'so-tam', dueAt: '2026-04-30T17:00:00+07:00' });
    expect({ status: res.status, code: res.body.code }).toEqual({ status: 400, code: 'DIRECTORY.RETIRED' });
    await run(t, id, 'assign', await secretariat(t), { department: 'home-affairs', dueAt: '2026-04-30T17:00:00+07:00' });
  });

  it('reads the seed as the directory it always was: asOf before the first start gives it too', async () => {
    const long = await directory(`?asOf=${encodeURIComponent('2020-01-01T00:00:00Z')}`);
    expect(long.departments.find((x) => x.code === 'justice')?.name).toBe('Sở Tư pháp');
    expect(long.communes.length).toBeGreaterThan(30);
  });

  it('changes a department contact; only the admin changes the directory', async () => {
    const res = await post('/admin/directory/departments/finance/contact', {
      email: 'stc@langson.gov.vn',
      webhookUrl: 'https://hooks.langson.gov.vn/stc',
    });
    expect(res.status).toBe(200);
    const asAuditor = await t
      .http()
      .post('/admin/directory/departments/finance/rename')
      .set('Authorization', bearer(await auditor(t)))
      .send({ name: 'X' });
    expect(asAuditor.status).toBe(403);
    const unknownKind = await post('/admin/directory/planets', { code: 'mars', name: 'Sao Hỏa' });
    expect({ status: unknownKind.status, code: unknownKind.body.code }).toEqual({ status: 400, code: 'DIRECTORY.KIND' });
    const unknownCode = await post('/admin/directory/departments/no-such/rename', { name: 'X' });
    expect({ status: unknownCode.status, code: unknownCode.body.code }).toEqual({ status: 404, code: 'DIRECTORY.NOT_FOUND' });
  });
});
