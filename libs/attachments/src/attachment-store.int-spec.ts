import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { mkdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  AttachmentStore,
  AttachmentTooLargeError,
  StoredFileChangedError,
  UnsupportedAttachmentTypeError,
  verifiedAgainst,
} from './attachment-store';
import { sweepPeriodically } from './temporary-sweep';
import { DOC, PDF } from './content-type';
import { until } from '../../../test/support/poll';
import { pdfStreamOfSize, sampleOle2, samplePdf, samplePng, textStreamOfSize } from './testing/sample-files';

const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** Every file under the folder, as paths relative to it. */
function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .sort();
}

function chunked(bytes: Buffer, size: number): Readable {
  const pieces: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += size) pieces.push(bytes.subarray(at, at + size));
  return Readable.from(pieces);
}

describe('AttachmentStore on a real folder', () => {
  let dataDir: string;
  let store: AttachmentStore;

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'fut-attachments-'));
    store = new AttachmentStore(dataDir, 1024 * 1024);
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('stores a file under its sha256, fanned out by its first two digits, and nothing else', async () => {
    const pdf = samplePdf();
    const stored = await store.save(chunked(pdf, 7));
    expect(stored).toEqual({ sha256: sha(pdf), size: pdf.length, contentType: PDF });
    expect(filesUnder(store.root)).toEqual([join(sha(pdf).slice(0, 2), sha(pdf))]);
    expect(readFileSync(store.pathOf(sha(pdf)))).toEqual(pdf);
  });

  it('the same bytes uploaded twice are one file', async () => {
    const png = samplePng();
    const first = await store.save(Readable.from([png]));
    const second = await store.save(chunked(png, 3));
    expect(second).toEqual(first);
    expect(filesUnder(store.root)).toHaveLength(1);
  });

  it('a legacy Word file is typed by its directory, read as it streams', async () => {
    const doc = sampleOle2('WordDocument', 512 * 8);
    expect(await store.save(chunked(doc, 1000))).toMatchObject({ contentType: DOC, size: doc.length });
  });

  it('refuses a file of another type at its first bytes, consuming no further, and leaves nothing behind', async () => {
    const source = textStreamOfSize(5 * 1024 * 1024, 16 * 1024);
    await expect(store.save(source)).rejects.toBeInstanceOf(UnsupportedAttachmentTypeError);
    expect(source.destroyed).toBe(true);
    expect(source.readableLength).toBeLessThan(64 * 1024);
    expect(filesUnder(store.root)).toEqual([]);
  });

  it('refuses a file as soon as it passes the limit, and leaves nothing behind', async () => {
    let read = 0;
    const pdf = pdfStreamOfSize(50 * 1024 * 1024);
    const source = (async function* () {
      for await (const chunk of pdf) {
        read += (chunk as Buffer).length;
        yield chunk as Buffer;
      }
    })();
    await expect(store.save(source)).rejects.toBeInstanceOf(AttachmentTooLargeError);
    expect(pdf.destroyed).toBe(true);
    expect(read).toBeLessThanOrEqual(store.limit + 64 * 1024);
    expect(filesUnder(store.root)).toEqual([]);
  });

  it('accepts a file of exactly the limit', async () => {
    const stored = await store.save(pdfStreamOfSize(store.limit));
    expect(stored.size).toBe(store.limit);
  });

  it('leaves nothing behind when the source fails before it is read (the client gone at once)', async () => {
    const source = new Readable({ read() {} });
    const saving = store.save(source);
    source.destroy(new Error('connection reset'));
    await expect(saving).rejects.toThrow('connection reset');
    expect(filesUnder(store.root)).toEqual([]);
  });

  it('leaves nothing behind when the source fails midway (a client gone)', async () => {
    const source = new Readable({ read() {} });
    const saving = store.save(source);
    source.push(samplePdf());
    await until(
      () => filesUnder(store.temporaryDir).length === 1 && readdirSync(store.temporaryDir).length === 1,
      'the upload to begin',
    );
    source.destroy(new Error('connection reset'));
    await expect(saving).rejects.toThrow('connection reset');
    expect(filesUnder(store.root)).toEqual([]);
  });

  it('a received file is only in the temporary folder until it is committed, then only under its name', async () => {
    const pdf = samplePdf('received, then committed');
    const received = await store.receive(chunked(pdf, 5));
    expect(received.file).toEqual({ sha256: sha(pdf), size: pdf.length, contentType: PDF });
    expect(filesUnder(store.root)).toEqual([join('tmp', readdirSync(store.temporaryDir)[0]!)]);
    expect(existsSync(store.pathOf(sha(pdf)))).toBe(false);
    expect(await received.commit()).toEqual(received.file);
    expect(filesUnder(store.root)).toEqual([join(sha(pdf).slice(0, 2), sha(pdf))]);
    expect(readFileSync(store.pathOf(sha(pdf)))).toEqual(pdf);
    // Discarding after the commit leaves the stored file alone.
    await received.discard();
    expect(readFileSync(store.pathOf(sha(pdf)))).toEqual(pdf);
  });

  it('a received file discarded (the upload refused) leaves nothing behind', async () => {
    const received = await store.receive(Readable.from([samplePdf('refused after receiving')]));
    await received.discard();
    expect(filesUnder(store.root)).toEqual([]);
    await expect(received.commit()).rejects.toThrow('discarded');
    expect(filesUnder(store.root)).toEqual([]);
  });

  it('bytes already stored: discarding another copy never deletes the stored file, committing one keeps it whole', async () => {
    const png = samplePng();
    const stored = await store.save(Readable.from([png]));
    const refused = await store.receive(chunked(png, 3));
    expect(refused.file).toEqual(stored);
    await refused.discard();
    expect(filesUnder(store.root)).toEqual([join(stored.sha256.slice(0, 2), stored.sha256)]);
    expect(readFileSync(store.pathOf(stored.sha256))).toEqual(png);

    const again = await store.receive(chunked(png, 11));
    // A reader of the stored file while the same bytes are committed again reads it whole.
    const reading = await store.open(stored.sha256);
    await again.commit();
    const read: Buffer[] = [];
    for await (const chunk of reading!.stream) read.push(chunk as Buffer);
    expect(Buffer.concat(read)).toEqual(png);
    expect(filesUnder(store.root)).toEqual([join(stored.sha256.slice(0, 2), stored.sha256)]);
    expect(await store.check(stored.sha256)).toBe('intact');
  });

  it('checks a stored file again: intact, changed by one byte, missing', async () => {
    const pdf = samplePdf();
    const { sha256 } = await store.save(Readable.from([pdf]));
    expect(await store.check(sha256)).toBe('intact');
    const changed = Buffer.from(pdf);
    changed[20] ^= 0x01;
    writeFileSync(store.pathOf(sha256), changed);
    expect(await store.check(sha256)).toBe('changed');
    rmSync(store.pathOf(sha256));
    expect(await store.check(sha256)).toBe('missing');
    expect(await store.check('../../etc/passwd')).toBe('missing');
  });

  it('serves a stored file only whole and unchanged: a changed one fails before its last bytes', async () => {
    const bytes = Buffer.concat([samplePdf(), Buffer.alloc(300_000, 'x')]);
    const { sha256 } = await store.save(Readable.from([bytes]));
    const received: Buffer[] = [];
    const sink = async (source: AsyncIterable<Buffer>) => {
      for await (const chunk of source) received.push(chunk);
    };
    const intact = await store.open(sha256);
    await pipeline(intact!.stream, verifiedAgainst(sha256), sink);
    expect(Buffer.concat(received)).toEqual(bytes);

    const changed = Buffer.from(bytes);
    changed[100] ^= 0x01;
    writeFileSync(store.pathOf(sha256), changed);
    received.length = 0;
    const tampered = await store.open(sha256);
    await expect(pipeline(tampered!.stream, verifiedAgainst(sha256), sink)).rejects.toBeInstanceOf(StoredFileChangedError);
    expect(Buffer.concat(received).length).toBeLessThan(bytes.length);
    expect(await store.open('0'.repeat(64))).toBeNull();
  });

  it('sweeps temporary files an earlier run left, and only old ones', async () => {
    await store.save(Readable.from([samplePdf()]));
    const old = join(store.temporaryDir, 'left-by-a-crash.part');
    const fresh = join(store.temporaryDir, 'in-flight.part');
    writeFileSync(old, 'partial');
    writeFileSync(fresh, 'partial');
    const hourAgo = new Date(Date.now() - 2 * 3600_000);
    utimesSync(old, hourAgo, hourAgo);
    expect(await store.sweepTemporary(3600_000)).toBe(1);
    expect(existsSync(old)).toBe(false);
    expect(statSync(fresh).isFile()).toBe(true);
  });

  it('sweeps temporary files periodically while it runs, and only old ones', async () => {
    await mkdir(store.temporaryDir, { recursive: true });
    const sweep = sweepPeriodically(store, { everyMs: 25, olderThanMs: 3600_000 });
    try {
      // Left by a crash of another process sharing the folder, after this one started.
      const old = join(store.temporaryDir, 'left-by-another-process.part');
      const fresh = join(store.temporaryDir, 'in-flight.part');
      writeFileSync(fresh, 'partial');
      writeFileSync(old, 'partial');
      const hoursAgo = new Date(Date.now() - 2 * 3600_000);
      utimesSync(old, hoursAgo, hoursAgo);
      await until(() => !existsSync(old), 'the periodic sweep to remove the old temporary file', { intervalMs: 10 });
      expect(statSync(fresh).isFile()).toBe(true);
    } finally {
      await sweep.stop();
    }
  });
});
