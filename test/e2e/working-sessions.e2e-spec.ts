import { bearer, committee, commune, department, secretariat } from '../support/recommendation-fixtures';
import { createTestApp, type TestApp } from '../support/test-app';

/**
 * Provincial practice end to end over HTTP: a working session as a record, items raised at it,
 * one assigned to a lead department with two coordinating departments that each give their part,
 * the lead resolving with the official letter and its PDF, and who may then download that PDF.
 */
describe('a working session followed up with lead and coordinating departments', () => {
  let t: TestApp;
  const LEAD = 'home-affairs';
  const COORDINATING = ['finance', 'construction'];
  const OUTSIDER = 'health';
  const COMMUNES = ['dong-kinh', 'ky-lua', 'tam-thanh'];
  /** A small but well-formed PDF, as a scanner would produce it (bytes, whatever its name says). */
  const PDF = Buffer.from(
    '%PDF-1.4\n1 0 obj <</Type /Catalog /Pages 2 0 R>> endobj\n2 0 obj <</Type /Pages /Kids [] /Count 0>> endobj\n' +
      'trailer <</Root 1 0 R>>\n%%EOF\n',
    'latin1',
  );

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  const post = async (path: string, token: string, body: object, headers: Record<string, string> = {}) => {
    let req = t.http().post(path).set('Authorization', bearer(token));
    for (const [name, value] of Object.entries(headers)) req = req.set(name, value);
    return req.send(body);
  };
  const get = async (path: string, token: string) => t.http().get(path).set('Authorization', bearer(token));

  it('records the session, follows its items, and gives the letter to those involved only', async () => {
    const clerk = await secretariat(t);
    const session = await post('/sessions', clerk, {
      workingGroup: 1,
      date: '2026-02-27',
      communes: COMMUNES,
      place: 'Trụ sở Đảng ủy phường Đông Kinh',
      leader: 'Hoàng Văn Nghiệm',
      minutesRef: 'Biên bản số 15/BB-TCT',
    });
    expect(session.status).toBe(201);
    const sessionId = session.body.id as string;

    // Five items raised at it: the working group and date come from the session.
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await post('/recommendations', clerk, {
        sessionId,
        commune: COMMUNES[i % COMMUNES.length],
        title: `Kiến nghị số ${i + 1} tại buổi làm việc`,
        description: 'Bổ sung trụ sở làm việc tập trung cho phường.',
        category: 'headquarters',
      });
      expect(res.status).toBe(201);
      ids.push(res.body.id as string);
    }
    const raised = await get(`/recommendations/${ids[0]}`, clerk);
    expect(raised.body).toEqual(expect.objectContaining({ sessionId, workingGroup: 1, sessionDate: '2026-02-27' }));

    // A commune that did not take part is refused, and nothing is raised.
    const absent = await post('/recommendations', clerk, {
      sessionId,
      commune: 'na-sam',
      title: 'Not at this session',
      description: 'Na Sam met Working Group No. 2.',
      category: 'headquarters',
    });
    expect(absent.status).toBe(400);
    expect(absent.body.code).toBe('SESSION.COMMUNE_NOT_PRESENT');

    // One goes to a lead department with two coordinating departments, each due before the lead.
    const [item] = ids;
    await post(`/recommendations/${item}/accept`, clerk, {});
    const assigned = await post(`/recommendations/${item}/assign`, clerk, {
      department: LEAD,
      dueAt: '2026-04-30T17:00:00+07:00',
      coordinating: [{ department: COORDINATING[0], dueAt: '2026-04-15T17:00:00+07:00' }, { department: COORDINATING[1] }],
    });
    expect(assigned.status).toBe(200);
    const view = await get(`/recommendations/${item}`, clerk);
    expect(view.body.assignment.department).toBe(LEAD);
    expect(view.body.assignment.coordinating).toEqual([
      expect.objectContaining({ department: COORDINATING[0], dueAt: '2026-04-15T17:00:00+07:00', contributedAt: null }),
      expect.objectContaining({ department: COORDINATING[1], dueAt: '2026-04-30T17:00:00+07:00', contributedAt: null }),
    ]);

    // A coordinating department reads the item and contributes, but acts in no other way.
    const coordinator = await department(t, COORDINATING[0]);
    expect((await get(`/recommendations/${item}`, coordinator)).status).toBe(200);
    expect((await get(`/recommendations/${item}/history`, coordinator)).status).toBe(200);
    const notItsPart = await post(`/recommendations/${item}/resolve`, coordinator, { resolution: 'Done by us.' });
    expect(notItsPart.status).toBe(403);
    for (const code of COORDINATING) {
      const res = await post(`/recommendations/${item}/contribution`, await department(t, code), {
        note: `Ý kiến của ${code}: thống nhất phương án.`,
      });
      expect(res.status).toBe(200);
    }
    const leadToken = await department(t, LEAD);
    const leadContributes = await post(`/recommendations/${item}/contribution`, leadToken, { note: 'The lead has no part.' });
    expect(leadContributes.status).toBe(403);
    expect(leadContributes.body.code).toBe('RECOMMENDATION.NOT_COORDINATING');

    // The lead resolves with the official letter and its signed PDF.
    const upload = await t
      .http()
      .post('/attachments')
      .set('Authorization', bearer(leadToken))
      .attach('file', PDF, { filename: 'Công văn 1234-SNV.pdf', contentType: 'application/pdf' });
    expect(upload.status).toBe(201);
    expect(upload.body).toEqual(expect.objectContaining({ contentType: 'application/pdf', size: PDF.length }));
    const attachment = upload.body.id as string;
    const resolved = await post(`/recommendations/${item}/resolve`, leadToken, {
      resolution: 'Đã bố trí trụ sở làm việc tập trung theo Quyết định 123/QĐ-UBND.',
      document: { number: '1234/SNV-TCBC', date: '2026-03-02' },
      attachments: [attachment],
    });
    expect(resolved.status).toBe(200);
    const final = await get(`/recommendations/${item}?minPosition=${String(resolved.body.position)}`, clerk);
    expect(final.body.status).toBe('resolved');
    expect(final.body.resolution.document).toEqual({ number: '1234/SNV-TCBC', date: '2026-03-02' });
    expect(final.body.attachments).toEqual([expect.objectContaining({ id: attachment, with: 'resolution' })]);
    expect(final.body.assignment.coordinating.every((c: { contributedAt: string | null }) => c.contributedAt !== null)).toBe(
      true,
    );

    // The coordinating department downloads the PDF; a department with no part gets 404.
    const download = await t.http().get(`/attachments/${attachment}`).set('Authorization', bearer(coordinator)).buffer(true);
    expect(download.status).toBe(200);
    expect(download.headers['content-type']).toMatch(/^application\/pdf/);
    expect(download.headers['x-content-type-options']).toBe('nosniff');
    expect(download.headers['content-disposition']).toMatch(/^attachment;/);
    expect(Buffer.from(download.body as Buffer).equals(PDF)).toBe(true);
    const outsider = await t
      .http()
      .get(`/attachments/${attachment}`)
      .set('Authorization', bearer(await department(t, OUTSIDER)));
    expect(outsider.status).toBe(404);

    // The session's detail counts its items: five raised, one resolved, four open.
    const detail = await get(`/sessions/${sessionId}?minPosition=${String(resolved.body.position)}`, await committee(t));
    expect(detail.status).toBe(200);
    expect(detail.body).toEqual(
      expect.objectContaining({
        id: sessionId,
        workingGroup: 1,
        date: '2026-02-27',
        communes: COMMUNES,
        counts: { raised: 5, open: 4, overdue: 0, resolved: 1 },
      }),
    );
    expect((detail.body.recommendations as Array<{ id: string }>).map((r) => r.id).sort()).toEqual([...ids].sort());
    const list = await get(`/sessions?workingGroup=1&minPosition=${String(resolved.body.position)}`, clerk);
    expect(list.body.items).toEqual([
      expect.objectContaining({ id: sessionId, counts: { raised: 5, open: 4, overdue: 0, resolved: 1 } }),
    ]);

    // Each coordinating department finds the item in its own list as coordinating, not as lead.
    const mine = await get(`/recommendations?involvement=coordinating`, coordinator);
    expect((mine.body.items as Array<{ id: string }>).map((i) => i.id)).toEqual([item]);
    const asLead = await get(`/recommendations?involvement=lead`, coordinator);
    expect(asLead.body.items).toEqual([]);
  });

  it('refuses a session without communes and one naming a commune the directory does not know', async () => {
    const clerk = await secretariat(t);
    const empty = await post('/sessions', clerk, { workingGroup: 1, date: '2026-02-27', communes: [] });
    expect(empty.status).toBe(400);
    const unknown = await post('/sessions', clerk, { workingGroup: 1, date: '2026-02-27', communes: ['atlantis'] });
    expect(unknown.status).toBe(400);
    expect(unknown.body.code).toBe('DIRECTORY.UNKNOWN_CODE');
    const byDepartment = await post('/sessions', await department(t), {
      workingGroup: 1,
      date: '2026-02-27',
      communes: ['tam-thanh'],
    });
    expect(byDepartment.status).toBe(403);
    // The role is checked before the codes: a commune naming an unknown commune is refused as a commune.
    const byCommune = await post('/sessions', await commune(t), { workingGroup: 1, date: '2026-02-27', communes: ['atlantis'] });
    expect(byCommune.status).toBe(403);
  });

  it('answers the same session for a retried request with the same Idempotency-Key', async () => {
    const clerk = await secretariat(t);
    const body = { workingGroup: 2, date: '2026-02-26', communes: ['na-sam', 'van-lang'] };
    const first = await post('/sessions', clerk, body, { 'Idempotency-Key': 'minutes-2026-02-26-group-2' });
    const again = await post('/sessions', clerk, body, { 'Idempotency-Key': 'minutes-2026-02-26-group-2' });
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.body.id).toBe(first.body.id);
    // The same key with another body is a client's mistake, not a retry: refused, nothing recorded.
    const other = await post(
      '/sessions',
      clerk,
      { ...body, workingGroup: 3 },
      { 'Idempotency-Key': 'minutes-2026-02-26-group-2' },
    );
    expect(other.status).toBe(409);
    expect(other.body.code).toBe('IDEMPOTENCY.KEY_REUSED');
  });
});
