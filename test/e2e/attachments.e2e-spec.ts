import type { Response } from 'supertest';
import { createHash } from 'node:crypto';
import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, relative } from 'node:path';
import { Readable } from 'node:stream';
import { AttachmentStore } from '@app/attachments';
import { AttachmentCatalog, RecommendationStream } from '@app/application';
import { EVENT_STORE, StoreUnavailableError, type EventStore } from '@app/event-store';
import { TemporaryUploadSweeper } from '../../apps/api/src/attachments/temporary-upload-sweeper';
import { streamUpload } from '../../libs/attachments/src/testing/multipart-upload';
import {
  pdfStreamOfSize,
  sampleOoxml,
  samplePdf,
  samplePng,
  textStreamOfSize,
} from '../../libs/attachments/src/testing/sample-files';
import { setUpAdministrator, type Browser } from '../support/sessions';
import { until } from '../support/poll';
import { createTestApp, type TestApp } from '../support/test-app';

/**
 * POST /attachments and GET /attachments/:id over real HTTP, with the files on disk: types told by
 * the bytes, refused uploads leaving nothing behind, downloads only in scope; and the tamper test:
 * a stored file changed or deleted is named by /audit/verify with the item and revision citing it.
 */
const LIMIT = '1mb';
const LIMIT_BYTES = 1024 * 1024;
/**
 * A body far larger than the limit, generated as it is sent. The client stops sending at the
 * answer; what it had handed to the connection by then includes what the kernel's socket buffers
 * held in flight (several MB on loopback), so "refused before the end" is checked against half of it.
 */
const HUGE = 100 * LIMIT_BYTES;

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** A multipart body whose file part has this Content-Disposition, as a client may send it. */
function multipartWithDisposition(disposition: string, bytes: Buffer) {
  const boundary = `----fut${randomUUID().replace(/-/g, '')}`;
  const body = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: ${disposition}\r\nContent-Type: application/pdf\r\n\r\n`, 'latin1'),
    bytes,
    Buffer.from(`\r\n--${boundary}--\r\n`, 'latin1'),
  ]);
  return { contentType: `multipart/form-data; boundary=${boundary}`, body };
}

/** The descriptors this process holds open on a file. */
function descriptorsOn(path: string): number {
  return readdirSync('/proc/self/fd').filter((fd) => {
    try {
      return readlinkSync(`/proc/self/fd/${fd}`) === path;
    } catch {
      return false;
    }
  }).length;
}

/** supertest's parser for a body of any type: its bytes. */
function readAll(res: Response, done: (error: Error | null, body: Buffer) => void): void {
  const chunks: Buffer[] = [];
  res.on('data', (chunk: Buffer) => chunks.push(chunk));
  res.on('end', () => done(null, Buffer.concat(chunks)));
  res.on('error', (error: Error) => done(error, Buffer.alloc(0)));
}

describe('attachments over HTTP', () => {
  let t: TestApp;
  let url: string;
  let store: AttachmentStore;
  const auth: Record<string, string> = {};
  /** The administrator signs in with a session (tokens carry the other roles). */
  let admin: Browser;

  beforeAll(async () => {
    t = await createTestApp({ env: { ATTACHMENT_LIMIT: LIMIT } });
    await t.app.listen(0, '127.0.0.1');
    url = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    store = t.app.get(AttachmentStore);
    auth.secretariat = `Bearer ${await t.token({ role: 'secretariat', sub: 'clerk-lan' })}`;
    auth.otherClerk = `Bearer ${await t.token({ role: 'secretariat', sub: 'clerk-binh' })}`;
    auth.committee = `Bearer ${await t.token({ role: 'committee', sub: 'member-minh' })}`;
    auth.auditor = `Bearer ${await t.token({ role: 'auditor', sub: 'inspector-hoa' })}`;
    admin = await setUpAdministrator(t);
    auth.tamThanh = `Bearer ${await t.token({ role: 'commune', commune: 'tam-thanh', sub: 'officer-tt' })}`;
    auth.naSam = `Bearer ${await t.token({ role: 'commune', commune: 'na-sam', sub: 'officer-ns' })}`;
    auth.homeAffairs = `Bearer ${await t.token({ role: 'department', department: 'home-affairs', sub: 'officer-ha' })}`;
    auth.finance = `Bearer ${await t.token({ role: 'department', department: 'finance', sub: 'officer-fin' })}`;
  });
  afterAll(() => t.close());

  /** Every file under the attachments folder (stored and temporary), relative to it. */
  function storedFiles(): string[] {
    if (!existsSync(store.root)) return [];
    return readdirSync(store.root, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => relative(store.root, join(e.parentPath, e.name)))
      .sort();
  }

  function upload(who: string, bytes: Buffer, filename: string, contentType = 'application/octet-stream') {
    return t.http().post('/attachments').set('Authorization', auth[who]).attach('file', bytes, { filename, contentType });
  }

  async function uploaded(who: string, bytes: Buffer, filename: string) {
    const res = await upload(who, bytes, filename);
    expect(res.status).toBe(201);
    return res.body as { id: string; name: string; size: number; contentType: string; sha256: string };
  }

  async function raiseCiting(who: string, attachments: string[], commune = 'tam-thanh') {
    const res = await t.http().post('/recommendations').set('Authorization', auth[who]).send({
      commune,
      title: 'Nâng cấp trụ sở xã',
      description: 'Bốn trụ sở sau sáp nhập.',
      category: 'headquarters',
      attachments,
    });
    expect(res.status).toBe(201);
    return res.body as { id: string; revision: number; position: number };
  }

  describe('upload', () => {
    it('a PDF is stored under its sha256 and answered with its id, name, size, type and sha256', async () => {
      const pdf = samplePdf('Công văn số 1234/SNV-TCBC');
      const res = await upload('secretariat', pdf, 'Công văn trả lời.pdf', 'application/pdf');
      expect(res.status).toBe(201);
      expect(res.body).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        name: 'Công văn trả lời.pdf',
        size: pdf.length,
        contentType: 'application/pdf',
        sha256: sha256(pdf),
      });
      expect(res.headers.location).toBe(`/attachments/${res.body.id}`);
      expect(readFileSync(store.pathOf(sha256(pdf)))).toEqual(pdf);
      const log = await t
        .http()
        .get('/audit/events')
        .query({ stream: `attachment-${res.body.id}` })
        .set('Authorization', auth.auditor);
      const events = log.text
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as { type: string; data: Record<string, unknown> });
      expect(events).toEqual([
        expect.objectContaining({
          type: 'AttachmentUploaded',
          data: expect.objectContaining({ id: res.body.id, sha256: sha256(pdf), uploadedBy: 'clerk-lan' }),
        }),
      ]);
    });

    it('the name is never trusted: PDF bytes named .exe are a PDF, and the same bytes are stored once', async () => {
      const pdf = samplePdf('the same bytes twice');
      const first = await uploaded('secretariat', pdf, 'letter.pdf');
      const before = storedFiles();
      const res = await upload('secretariat', pdf, 'setup.exe', 'application/x-msdownload');
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ name: 'setup.exe', contentType: 'application/pdf', sha256: first.sha256 });
      expect(res.body.id).not.toBe(first.id);
      expect(storedFiles()).toEqual(before);
    });

    it('images and Office documents are typed by their bytes', async () => {
      expect((await uploaded('homeAffairs', samplePng(), 'ảnh hiện trạng.jpg')).contentType).toBe('image/png');
      expect((await uploaded('tamThanh', sampleOoxml('docx'), 'biên bản')).contentType).toBe(
        'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
      );
    });

    it('a text file named .pdf → 415 ATTACHMENT.UNSUPPORTED_TYPE, and nothing is stored', async () => {
      const before = storedFiles();
      const res = await upload(
        'secretariat',
        Buffer.from('Biên bản họp: đây không phải PDF.\n'.repeat(200)),
        'biên bản.pdf',
        'application/pdf',
      );
      expect(res.status).toBe(415);
      expect(res.body).toMatchObject({ statusCode: 415, code: 'ATTACHMENT.UNSUPPORTED_TYPE' });
      expect(storedFiles()).toEqual(before);
      expect(readdirSync(store.temporaryDir)).toEqual([]);
    });

    it('a large text file is refused at its first bytes, before the body is read', async () => {
      const before = storedFiles();
      const res = await streamUpload(`${url}/attachments`, {
        authorization: auth.secretariat,
        file: textStreamOfSize(HUGE),
        filename: 'notes.pdf',
      });
      // The type is known long before the size passes the limit.
      expect(res.status).toBe(415);
      expect(res.body).toMatchObject({ code: 'ATTACHMENT.UNSUPPORTED_TYPE' });
      expect(res.answeredEarly).toBe(true);
      expect(res.bytesSent).toBeLessThan(HUGE / 2);
      expect(storedFiles()).toEqual(before);
    });

    it('an oversized upload → 413 ATTACHMENT.TOO_LARGE as soon as it passes the limit (streamed), and nothing is stored', async () => {
      const before = storedFiles();
      const size = HUGE;
      const res = await streamUpload(`${url}/attachments`, {
        authorization: auth.secretariat,
        file: pdfStreamOfSize(size),
        filename: 'scan.pdf',
      });
      expect(res.status).toBe(413);
      expect(res.body).toMatchObject({ statusCode: 413, code: 'ATTACHMENT.TOO_LARGE' });
      expect(res.headers.connection).toBe('close');
      expect(res.answeredEarly).toBe(true);
      expect(res.bytesSent).toBeLessThan(size / 2);
      expect(storedFiles()).toEqual(before);
      expect(readdirSync(store.temporaryDir)).toEqual([]);
    });

    it('an upload announced larger than the limit → 413 before any of its body is read', async () => {
      const before = storedFiles();
      const file = pdfStreamOfSize(4 * LIMIT_BYTES);
      file.pause();
      const res = await streamUpload(`${url}/attachments`, {
        authorization: auth.secretariat,
        file,
        filename: 'scan.pdf',
        contentLength: (overhead) => 4 * LIMIT_BYTES + overhead,
      });
      expect(res.status).toBe(413);
      expect(res.body).toMatchObject({ code: 'ATTACHMENT.TOO_LARGE' });
      expect(storedFiles()).toEqual(before);
    });

    it('a file of exactly the limit is accepted', async () => {
      const res = await streamUpload(`${url}/attachments`, {
        authorization: auth.secretariat,
        file: pdfStreamOfSize(LIMIT_BYTES),
        filename: 'scan.pdf',
      });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ size: LIMIT_BYTES, contentType: 'application/pdf' });
    });

    it('who uploads: the secretariat, departments and communes; not the committee, auditors or the administrator', async () => {
      for (const who of ['committee', 'auditor']) {
        const res = await upload(who, samplePdf(), 'x.pdf');
        expect([who, res.status, res.body.code]).toEqual([who, 403, 'AUTH.ROLE_NOT_ALLOWED']);
      }
      const byAdmin = await t
        .http()
        .post('/attachments')
        .set('Cookie', admin.cookie)
        .set('X-CSRF-Token', admin.csrf)
        .attach('file', samplePdf(), 'x.pdf');
      expect([byAdmin.status, byAdmin.body.code]).toEqual([403, 'AUTH.ROLE_NOT_ALLOWED']);
      const res = await t.http().post('/attachments').attach('file', samplePdf(), 'x.pdf');
      expect(res.status).toBe(401);
    });

    it('a body that is not multipart → 415; a form without the field file → 400', async () => {
      const json = await t.http().post('/attachments').set('Authorization', auth.secretariat).send({ file: 'x' });
      expect(json.status).toBe(415);
      expect(json.body.code).toBe('REQUEST.UNSUPPORTED_MEDIA_TYPE');
      const other = await t
        .http()
        .post('/attachments')
        .set('Authorization', auth.secretariat)
        .attach('document', samplePdf(), 'x.pdf')
        .field('note', 'hello');
      expect(other.status).toBe(400);
      expect(other.body.code).toBe('ATTACHMENT.NO_FILE');
    });

    it('Idempotency-Key: a retry with the same file answers the first upload and records nothing; another file under the key is refused', async () => {
      const pdf = samplePdf('sent twice by a document system');
      const send = (bytes: Buffer) =>
        t
          .http()
          .post('/attachments')
          .set('Authorization', auth.homeAffairs)
          .set('Idempotency-Key', 'upload-0001')
          .attach('file', bytes, 'công văn.pdf');
      const first = await send(pdf);
      const again = await send(pdf);
      expect(first.status).toBe(201);
      expect(again.status).toBe(201);
      expect(again.body).toEqual(first.body);
      expect(readdirSync(store.temporaryDir)).toEqual([]);
      const before = storedFiles();
      const another = samplePdf('another letter');
      const other = await send(another);
      expect(other.status).toBe(409);
      // Refused: nothing of it is stored, and no temporary file is left.
      expect(existsSync(store.pathOf(sha256(another)))).toBe(false);
      expect(storedFiles()).toEqual(before);
      expect(readdirSync(store.temporaryDir)).toEqual([]);
      // The id is cited like any other.
      const raised = await t
        .http()
        .post('/recommendations')
        .set('Authorization', auth.secretariat)
        .send({ commune: 'tam-thanh', title: 't', description: 'd', category: 'headquarters', attachments: [first.body.id] });
      expect(raised.body.code).toBe('ATTACHMENT.NOT_YOURS');
    });

    it('a file received whole, then its form refused (a field too long after it) → 400, and nothing is stored', async () => {
      const before = storedFiles();
      const pdf = samplePdf('followed by a field too long');
      const boundary = `----fut${randomUUID().replace(/-/g, '')}`;
      const req = request(`${url}/attachments`, {
        method: 'POST',
        headers: { authorization: auth.secretariat, 'content-type': `multipart/form-data; boundary=${boundary}` },
      });
      const answer = new Promise<{ status: number; body: string }>((resolve, reject) => {
        req.on('response', (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
        });
        req.on('error', reject);
      });
      req.write(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="letter.pdf"\r\n\r\n`);
      req.write(pdf);
      // The file part ends where the next part begins; the field's value is sent once the file is received whole.
      req.write(`\r\n--${boundary}\r\nContent-Disposition: form-data; name="note"\r\n\r\nxx`);
      await until(
        () =>
          existsSync(store.pathOf(sha256(pdf))) ||
          readdirSync(store.temporaryDir).some((name) => statSync(join(store.temporaryDir, name)).size === pdf.length),
        'the file to be received whole',
        { intervalMs: 5 },
      );
      req.end(`${'x'.repeat(4096)}\r\n--${boundary}--\r\n`);
      const res = await answer;
      expect(res.status).toBe(400);
      expect(res.body).toContain('ATTACHMENT.FIELD_TOO_LONG');
      expect(existsSync(store.pathOf(sha256(pdf)))).toBe(false);
      expect(storedFiles()).toEqual(before);
      expect(readdirSync(store.temporaryDir)).toEqual([]);
    });

    it('an upload whose record fails (the log refusing the append) leaves neither its file nor a temporary file', async () => {
      const events = t.app.get<EventStore>(EVENT_STORE);
      const append = events.append.bind(events);
      const refusing = jest
        .spyOn(events, 'append')
        .mockImplementation((stream, ...rest) =>
          stream.startsWith('attachment-')
            ? Promise.reject(new StoreUnavailableError('the log is not taking appends'))
            : append(stream, ...rest),
        );
      const before = storedFiles();
      const pdf = samplePdf('its record fails');
      try {
        const res = await upload('secretariat', pdf, 'công văn.pdf');
        expect(res.status).toBe(503);
        const keyed = await t
          .http()
          .post('/attachments')
          .set('Authorization', auth.secretariat)
          .set('Idempotency-Key', 'upload-failing-append')
          .attach('file', pdf, 'công văn.pdf');
        expect(keyed.status).toBe(503);
      } finally {
        refusing.mockRestore();
      }
      expect(existsSync(store.pathOf(sha256(pdf)))).toBe(false);
      expect(storedFiles()).toEqual(before);
      expect(readdirSync(store.temporaryDir)).toEqual([]);
      // The same upload once the log takes appends again is stored.
      expect((await uploaded('secretariat', pdf, 'công văn.pdf')).sha256).toBe(sha256(pdf));
      expect(readFileSync(store.pathOf(sha256(pdf)))).toEqual(pdf);
    });

    it("a name that is not well-formed Unicode (filename*=utf-16le''%3D%D8: a lone surrogate) is made so: 201, then downloaded", async () => {
      const pdf = samplePdf('a name with a lone surrogate');
      const { contentType, body } = multipartWithDisposition(`form-data; name="file"; filename*=utf-16le''%3D%D8`, pdf);
      const res = await t
        .http()
        .post('/attachments')
        .set('Authorization', auth.secretariat)
        .set('Content-Type', contentType)
        .send(body);
      expect(res.status).toBe(201);
      const name = res.body.name as string;
      expect(name).toBe('\ufffd');
      expect(() => encodeURIComponent(name)).not.toThrow();
      const download = await t
        .http()
        .get(`/attachments/${res.body.id}`)
        .set('Authorization', auth.secretariat)
        .buffer(true)
        .parse(readAll);
      expect(download.status).toBe(200);
      expect(download.body).toEqual(pdf);
      expect(download.headers['content-disposition']).toBe(`attachment; filename="_.pdf"; filename*=UTF-8''%EF%BF%BD.pdf`);
    });

    it('unfinished uploads are swept every hour while the service runs, not only at its start', () => {
      const sweeper = t.app.get(TemporaryUploadSweeper);
      expect(sweeper.running).toBe(true);
      expect(sweeper.schedule).toEqual({ everyMs: 3600_000, olderThanMs: 3600_000 });
    });
  });

  describe('download', () => {
    it('the uploader downloads the bytes with their type, a safe disposition (UTF-8 name), nosniff, length and the sha256 as ETag', async () => {
      const pdf = samplePdf('download me');
      const { id } = await uploaded('tamThanh', pdf, 'Báo cáo đợt 1 (xã Tam Thanh).pdf');
      const res = await t.http().get(`/attachments/${id}`).set('Authorization', auth.tamThanh).buffer(true).parse(readAll);
      expect(res.status).toBe(200);
      expect(res.body).toEqual(pdf);
      expect(res.headers).toMatchObject({
        'content-type': 'application/pdf',
        'content-length': String(pdf.length),
        'x-content-type-options': 'nosniff',
        etag: `"${sha256(pdf)}"`,
        'content-disposition':
          `attachment; filename="Bao cao dot 1 (xa Tam Thanh).pdf"; ` +
          `filename*=UTF-8''${encodeURIComponent('Báo cáo đợt 1 (xã Tam Thanh).pdf').replace(/[()]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}`,
      });
      const revalidated = await t
        .http()
        .get(`/attachments/${id}`)
        .set('Authorization', auth.tamThanh)
        .set('If-None-Match', `"${sha256(pdf)}"`);
      expect(revalidated.status).toBe(304);
    });

    it('a file whose name lies is offered under its real type’s extension', async () => {
      const { id } = await uploaded('secretariat', samplePdf('named .exe'), 'setup.exe');
      const res = await t.http().get(`/attachments/${id}`).set('Authorization', auth.secretariat);
      expect(res.headers['content-type']).toBe('application/pdf');
      expect(res.headers['content-disposition']).toContain('filename="setup.exe.pdf"');
    });

    it('before any item cites it, only its uploader gets it: anyone else 404 ATTACHMENT.NOT_FOUND, never 403', async () => {
      const { id } = await uploaded('secretariat', samplePdf('not cited yet'), 'draft.pdf');
      for (const who of ['otherClerk', 'committee', 'auditor', 'homeAffairs', 'tamThanh']) {
        const res = await t.http().get(`/attachments/${id}`).set('Authorization', auth[who]);
        expect([who, res.status, res.body.code]).toEqual([who, 404, 'ATTACHMENT.NOT_FOUND']);
      }
      for (const unknown of ['7b0e6f0e-3c1a-4f55-9b1e-8f3c2d1a0b9c', 'not-an-id', '..%2F..%2Fevents.sqlite']) {
        const res = await t.http().get(`/attachments/${unknown}`).set('Authorization', auth.secretariat);
        expect([unknown, res.status, res.body.code]).toEqual([unknown, 404, 'ATTACHMENT.NOT_FOUND']);
      }
    });

    it('once an item cites it, whoever may read the item gets it; a caller without scope 404', async () => {
      const pdf = samplePdf('cited by a raise');
      const { id } = await uploaded('secretariat', pdf, 'kiến nghị.pdf');
      const raised = await raiseCiting('secretariat', [id], 'tam-thanh');
      const get = (who: string) =>
        t
          .http()
          .get(`/attachments/${id}?minPosition=${raised.position}`)
          .set('Authorization', auth[who])
          .buffer(true)
          .parse(readAll);
      for (const who of ['tamThanh', 'otherClerk', 'committee', 'auditor']) {
        const res = await get(who);
        expect([who, res.status]).toEqual([who, 200]);
        expect(res.body).toEqual(pdf);
      }
      for (const who of ['naSam', 'homeAffairs', 'finance']) {
        const res = await get(who);
        expect([who, res.status, res.body.toString()]).toEqual([who, 404, expect.stringContaining('ATTACHMENT.NOT_FOUND')]);
      }
      expect((await t.http().get(`/attachments/${id}`).set('Cookie', admin.cookie)).status).toBe(403);
    });
  });

  describe('download access', () => {
    it('a file recorded under a name not well-formed (before names were cleaned) downloads, and no descriptor stays open', async () => {
      const pdf = samplePdf('recorded under a lone surrogate');
      const file = await store.save(Readable.from([pdf]));
      const id = randomUUID();
      await t.app
        .get(AttachmentCatalog)
        .record({ id, name: 'bi\ud83dn bản.pdf', ...file }, { sub: 'clerk-lan', name: 'Lan', role: 'secretariat' });
      const path = store.pathOf(file.sha256);
      for (const round of [1, 2]) {
        const res = await t.http().get(`/attachments/${id}`).set('Authorization', auth.secretariat).buffer(true).parse(readAll);
        expect([round, res.status]).toEqual([round, 200]);
        expect(res.body).toEqual(pdf);
        expect(res.headers['content-disposition']).toContain(`filename*=UTF-8''bi%EF%BF%BDn%20b%E1%BA%A3n.pdf`);
      }
      const revalidated = await t
        .http()
        .get(`/attachments/${id}`)
        .set('Authorization', auth.secretariat)
        .set('If-None-Match', `"${file.sha256}"`);
      expect(revalidated.status).toBe(304);
      expect((await t.http().head(`/attachments/${id}`).set('Authorization', auth.secretariat)).status).toBe(200);
      await until(() => descriptorsOn(path) === 0, 'every descriptor on the stored file to be closed');
    });

    it('one item in scope among more than 200 citing the file is found, and a caller without scope costs no item read', async () => {
      const pdf = samplePdf('cited by many items');
      const { id } = await uploaded('secretariat', pdf, 'kế hoạch chung.pdf');
      const citing: string[] = [];
      for (let n = 0; n < 201; n++) citing.push((await raiseCiting('secretariat', [id], 'na-sam')).id);
      // The last of them in the order the read models keep them is the one the finance department gets.
      const last = [...citing].sort().pop()!;
      const clerk = (path: string, body: object) =>
        t.http().post(`/recommendations/${last}/${path}`).set('Authorization', auth.secretariat).send(body);
      expect((await clerk('accept', {})).status).toBe(200);
      const assigned = await clerk('assign', { department: 'finance', dueAt: '2026-04-30T17:00:00+07:00' });
      expect(assigned.status).toBe(200);
      const position = String(assigned.body.position);

      const streams = t.app.get(RecommendationStream);
      const reads = jest.spyOn(streams, 'current');
      try {
        const get = (who: string) =>
          t.http().get(`/attachments/${id}?minPosition=${position}`).set('Authorization', auth[who]).buffer(true).parse(readAll);
        const finance = await get('finance');
        expect(finance.status).toBe(200);
        expect(finance.body).toEqual(pdf);
        expect(reads).toHaveBeenCalledTimes(1);
        expect(reads).toHaveBeenCalledWith(last);
        reads.mockClear();
        for (const who of ['homeAffairs', 'tamThanh']) {
          const res = await get(who);
          expect([who, res.status, res.body.toString()]).toEqual([who, 404, expect.stringContaining('ATTACHMENT.NOT_FOUND')]);
        }
        expect(reads).not.toHaveBeenCalled();
        const naSam = await get('naSam');
        expect(naSam.status).toBe(200);
        expect(reads).toHaveBeenCalledTimes(1);
      } finally {
        reads.mockRestore();
      }
    });
  });

  describe('tamper test: /audit/verify re-hashes every cited file', () => {
    async function verify() {
      const res = await t.http().get('/audit/verify').set('Authorization', auth.auditor);
      expect(res.status).toBe(200);
      return res.body as {
        ok: boolean;
        failures: Array<{ stream: string; revision: number; reason: string; kind?: string; item?: string; attachment?: string }>;
        attachments: { references: number; files: number };
      };
    }

    it('one byte changed, then the file deleted: verify names the item and the revision citing it, each time', async () => {
      const pdf = samplePdf('the official letter');
      const { id } = await uploaded('secretariat', pdf, 'Công văn 1234.pdf');
      const raised = await raiseCiting('secretariat', [id]);
      const history = await t.http().get(`/recommendations/${raised.id}/history`).set('Authorization', auth.auditor);
      const citing = (history.body.events as Array<{ revision: number; type: string }>).find(
        (e) => e.type === 'DocumentsAttached',
      );
      expect(citing).toBeDefined();
      const clean = await verify();
      expect(clean).toMatchObject({ ok: true, failures: [] });
      expect(clean.attachments.references).toBeGreaterThanOrEqual(2);

      const path = store.pathOf(sha256(pdf));
      const changed = Buffer.from(pdf);
      changed[changed.length >> 1] ^= 0x01;
      writeFileSync(path, changed);
      const afterChange = await verify();
      expect(afterChange.ok).toBe(false);
      expect(afterChange.failures).toEqual([
        expect.objectContaining({ stream: `attachment-${id}`, revision: 0, kind: 'attachment-changed', attachment: id }),
        {
          stream: `recommendation-${raised.id}`,
          revision: citing!.revision,
          item: raised.id,
          kind: 'attachment-changed',
          attachment: id,
          sha256: sha256(pdf),
          reason: expect.stringContaining(`cited by item ${raised.id} (DocumentsAttached at revision ${citing!.revision})`),
        },
      ]);
      // A changed file is never served whole: the download is cut before its end.
      await expect(
        fetch(`${url}/attachments/${id}`, { headers: { authorization: auth.secretariat } }).then((res) => res.arrayBuffer()),
      ).rejects.toThrow();

      rmSync(path);
      const afterDelete = await verify();
      expect(afterDelete.ok).toBe(false);
      expect(afterDelete.failures).toEqual([
        expect.objectContaining({ stream: `attachment-${id}`, revision: 0, kind: 'attachment-missing' }),
        expect.objectContaining({
          stream: `recommendation-${raised.id}`,
          revision: citing!.revision,
          item: raised.id,
          kind: 'attachment-missing',
          reason: expect.stringMatching(/is missing/),
        }),
      ]);
      const download = await t.http().get(`/attachments/${id}`).set('Authorization', auth.secretariat);
      expect(download.status).toBe(500);
      expect(download.body.code).toBe('ATTACHMENT.FILE_MISSING');

      // The same bytes uploaded again mend the store.
      await uploaded('secretariat', pdf, 'Công văn 1234.pdf');
      expect(await verify()).toMatchObject({ ok: true, failures: [] });
    });
  });

  describe('while the read models lag (an API without projections running)', () => {
    let lagging: TestApp;
    const bearer: Record<string, string> = {};

    beforeAll(async () => {
      lagging = await createTestApp({ env: { ATTACHMENT_LIMIT: LIMIT }, roles: ['api'] });
      bearer.clerk = `Bearer ${await lagging.token({ role: 'secretariat', sub: 'clerk-lan' })}`;
      bearer.tamThanh = `Bearer ${await lagging.token({ role: 'commune', commune: 'tam-thanh', sub: 'officer-tt' })}`;
      bearer.naSam = `Bearer ${await lagging.token({ role: 'commune', commune: 'na-sam', sub: 'officer-ns' })}`;
    });
    afterAll(() => lagging.close());

    it('?item= naming the citing item is checked on its stream: its readers get the file, anyone else 404', async () => {
      const pdf = samplePdf('read before the lists caught up');
      const uploadedNow = await lagging
        .http()
        .post('/attachments')
        .set('Authorization', bearer.clerk)
        .attach('file', pdf, 'tờ trình.pdf');
      expect(uploadedNow.status).toBe(201);
      const id = uploadedNow.body.id as string;
      const raise = (attachments: string[]) =>
        lagging.http().post('/recommendations').set('Authorization', bearer.clerk).send({
          commune: 'tam-thanh',
          title: 'Sửa chữa nhà văn hoá thôn',
          description: 'Sau sáp nhập.',
          category: 'headquarters',
          attachments,
        });
      const citing = await raise([id]);
      expect(citing.status).toBe(201);
      const other = await raise([]);
      expect(other.status).toBe(201);
      const get = (who: string, query: string) =>
        lagging.http().get(`/attachments/${id}${query}`).set('Authorization', bearer[who]).buffer(true).parse(readAll);

      // The read models know of no item citing it: without ?item= no one but the uploader gets it.
      expect((await get('tamThanh', '')).status).toBe(404);
      const named = await get('tamThanh', `?item=${citing.body.id}`);
      expect(named.status).toBe(200);
      expect(named.body).toEqual(pdf);
      expect((await get('tamThanh', `?item=${String(citing.body.id).toUpperCase()}`)).status).toBe(200);
      for (const [who, query] of [
        ['naSam', `?item=${citing.body.id}`],
        ['tamThanh', `?item=${other.body.id}`],
        ['tamThanh', `?item=${randomUUID()}`],
        ['tamThanh', '?item=../../events.sqlite'],
        ['tamThanh', `?item=${citing.body.id}&item=${citing.body.id}`],
      ]) {
        const res = await get(who!, query!);
        expect([who, query, res.status, res.body.toString()]).toEqual([
          who,
          query,
          404,
          expect.stringContaining('ATTACHMENT.NOT_FOUND'),
        ]);
      }
    });
  });
});
