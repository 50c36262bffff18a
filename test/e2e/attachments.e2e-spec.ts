import type { Response } from 'supertest';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join, relative } from 'node:path';
import { AttachmentStore } from '@app/attachments';
import { streamUpload } from '../../libs/attachments/src/testing/multipart-upload';
import {
  pdfStreamOfSize,
  sampleOoxml,
  samplePdf,
  samplePng,
  textStreamOfSize,
} from '../../libs/attachments/src/testing/sample-files';
import { setUpAdministrator, type Browser } from '../support/sessions';
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
      const other = await send(samplePdf('another letter'));
      expect(other.status).toBe(409);
      // The id is cited like any other.
      const raised = await t
        .http()
        .post('/recommendations')
        .set('Authorization', auth.secretariat)
        .send({ commune: 'tam-thanh', title: 't', description: 'd', category: 'headquarters', attachments: [first.body.id] });
      expect(raised.body.code).toBe('ATTACHMENT.NOT_YOURS');
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
});
