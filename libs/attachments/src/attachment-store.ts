import { createHash, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, readdir, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { Ole2Directory, sniffContentType, SNIFF_BYTES } from './content-type';

/** A file as stored: named by the sha256 of its bytes. */
export interface StoredFile {
  sha256: string;
  size: number;
  contentType: string;
}

/** What a stored file's bytes say about it now. */
export type FileCheck = 'intact' | 'missing' | 'changed';

export class AttachmentTooLargeError extends Error {
  readonly code = 'ATTACHMENT.TOO_LARGE';
  constructor(readonly limit: number) {
    super(`a file may have at most ${limit} bytes`);
    this.name = 'AttachmentTooLargeError';
  }
}

export class UnsupportedAttachmentTypeError extends Error {
  readonly code = 'ATTACHMENT.UNSUPPORTED_TYPE';
  constructor() {
    super('the file is not a PDF, an image (PNG, JPEG, GIF, WebP, TIFF), an Office or an OpenDocument document');
    this.name = 'UnsupportedAttachmentTypeError';
  }
}

const SHA256 = /^[0-9a-f]{64}$/;
const TEMPORARY_SUFFIX = '.part';

/**
 * Uploaded files on disk, content-addressed under `<dataDir>/attachments/<aa>/<sha256>` (fanned out
 * by the first two hex digits). A file is written to `tmp/` while its bytes are hashed and their
 * type sniffed ({@link AttachmentStore.receive}); once the upload is recorded it is synced and only
 * then renamed to its name ({@link ReceivedFile.commit}), and an upload refused on the way is
 * discarded: a name always holds a whole file, the same bytes uploaded twice are one file, and a
 * refused or broken upload leaves nothing behind.
 */
export class AttachmentStore {
  readonly root: string;
  readonly temporaryDir: string;

  constructor(
    dataDir: string,
    /** The largest file accepted, in bytes. */
    readonly limit: number,
  ) {
    this.root = join(dataDir, 'attachments');
    this.temporaryDir = join(this.root, 'tmp');
  }

  pathOf(sha256: string): string {
    if (!SHA256.test(sha256)) throw new Error(`not a sha256: ${sha256.slice(0, 80)}`);
    return join(this.root, sha256.slice(0, 2), sha256);
  }

  /**
   * Receives `source` into a temporary file, hashing its bytes and sniffing their type, and stores
   * it under its sha256 (see {@link receive} and {@link ReceivedFile.commit}).
   */
  async save(source: Readable | AsyncIterable<Buffer>): Promise<StoredFile> {
    const received = await this.receive(source);
    try {
      return await received.commit();
    } finally {
      await received.discard();
    }
  }

  /**
   * Streams `source` into a temporary file, hashing it and sniffing its type as it comes, and
   * answers what it is without storing it yet: the caller records it, then commits it to its name,
   * or discards it when the upload is refused. Refuses (throwing, the temporary file removed) as
   * soon as the bytes pass the limit, or once the first bytes show a type that is not allowed;
   * consumes the source no further then. Holds at most the first {@link SNIFF_BYTES} in memory.
   */
  async receive(source: Readable | AsyncIterable<Buffer>): Promise<ReceivedFile> {
    // A source that fails before it is read from (the client gone while the file opens) fails the
    // reading below, not the process.
    if (source instanceof Readable) source.on('error', () => undefined);
    await mkdir(this.temporaryDir, { recursive: true });
    const temporary = join(this.temporaryDir, `${randomUUID()}${TEMPORARY_SUFFIX}`);
    const handle = await open(temporary, 'wx', 0o640);
    let written = false;
    try {
      const hash = createHash('sha256');
      let size = 0;
      let head: Buffer[] = [];
      let headLength = 0;
      let contentType: string | null = null;
      let ole2: Ole2Directory | null = null;
      for await (const piece of source) {
        const chunk = Buffer.isBuffer(piece) ? piece : Buffer.from(piece as Uint8Array);
        size += chunk.length;
        if (size > this.limit) throw new AttachmentTooLargeError(this.limit);
        hash.update(chunk);
        if (contentType === null && ole2 === null) {
          head.push(chunk);
          headLength += chunk.length;
          const sniffed = sniffContentType(Buffer.concat(head, Math.min(headLength, SNIFF_BYTES)), false);
          if (sniffed.kind === 'unsupported') throw new UnsupportedAttachmentTypeError();
          if (sniffed.kind === 'known') contentType = sniffed.contentType;
          if (sniffed.kind === 'ole2') {
            ole2 = new Ole2Directory();
            for (const earlier of head) ole2.update(earlier);
          }
          if (sniffed.kind !== 'more') head = [];
        } else {
          ole2?.update(chunk);
        }
        await writeAll(handle, chunk);
      }
      if (contentType === null && ole2 === null) {
        const sniffed = sniffContentType(Buffer.concat(head), true);
        if (sniffed.kind === 'known') contentType = sniffed.contentType;
        if (sniffed.kind === 'ole2') {
          ole2 = new Ole2Directory();
          for (const earlier of head) ole2.update(earlier);
        }
      }
      if (ole2) contentType = ole2.contentType();
      if (contentType === null || size === 0) throw new UnsupportedAttachmentTypeError();
      written = true;
      return new ReceivedFile({ sha256: hash.digest('hex'), size, contentType }, temporary, this);
    } finally {
      // Closed either way: a received file holds no descriptor while it waits to be committed.
      await handle.close().catch(() => undefined);
      if (!written) await rm(temporary, { force: true });
    }
  }

  /** The stored file opened for reading (its size from the open file), or null when there is none. */
  async open(sha256: string): Promise<{ size: number; stream: Readable } | null> {
    let handle: FileHandle;
    try {
      handle = await open(this.pathOf(sha256), 'r');
    } catch (error) {
      if (isMissing(error)) return null;
      throw error;
    }
    try {
      const { size } = await handle.stat();
      return { size, stream: handle.createReadStream() };
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  /** Hashes the stored file again: `intact` when its bytes still have this sha256. */
  async check(sha256: string): Promise<FileCheck> {
    if (!SHA256.test(sha256)) return 'missing';
    const hash = createHash('sha256');
    try {
      for await (const chunk of createReadStream(this.pathOf(sha256))) hash.update(chunk as Buffer);
    } catch (error) {
      if (isMissing(error)) return 'missing';
      throw error;
    }
    return hash.digest('hex') === sha256 ? 'intact' : 'changed';
  }

  /** Removes temporary files older than `olderThanMs` (an upload cut short by a crash); returns how many. */
  async sweepTemporary(olderThanMs: number, now = Date.now()): Promise<number> {
    let names: string[];
    try {
      names = await readdir(this.temporaryDir);
    } catch (error) {
      if (isMissing(error)) return 0;
      throw error;
    }
    let removed = 0;
    for (const name of names.filter((n) => n.endsWith(TEMPORARY_SUFFIX))) {
      const path = join(this.temporaryDir, name);
      const info = await stat(path).catch(() => null);
      if (info && now - info.mtimeMs > olderThanMs) {
        await rm(path, { force: true });
        removed++;
      }
    }
    return removed;
  }
}

/**
 * An upload's bytes in a temporary file, hashed and typed, not yet under their name: nothing is
 * stored until {@link commit}. {@link discard} removes the temporary file and only it, so it never
 * touches a stored file, not even one with the same bytes; after a commit it does nothing.
 */
export class ReceivedFile {
  private state: 'received' | 'committed' | 'discarded' = 'received';

  constructor(
    readonly file: StoredFile,
    private readonly temporary: string,
    private readonly store: AttachmentStore,
  ) {}

  /**
   * Makes the bytes durable, then renames them to their name, durably too. Bytes already stored
   * under that sha256 are replaced with themselves: nothing changes for their readers (an open
   * file keeps being read whole), and a copy damaged on disk is mended.
   */
  async commit(): Promise<StoredFile> {
    if (this.state === 'committed') return this.file;
    if (this.state === 'discarded') throw new Error('a discarded upload cannot be stored');
    const handle = await open(this.temporary, 'r+');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
    const final = this.store.pathOf(this.file.sha256);
    await mkdir(dirname(final), { recursive: true });
    await rename(this.temporary, final);
    this.state = 'committed';
    await syncDirectory(dirname(final));
    return this.file;
  }

  /** Removes the temporary file, unless the bytes were committed. */
  async discard(): Promise<void> {
    if (this.state !== 'received') return;
    this.state = 'discarded';
    await rm(this.temporary, { force: true });
  }
}

async function writeAll(handle: FileHandle, chunk: Buffer): Promise<void> {
  for (let written = 0; written < chunk.length;) {
    const { bytesWritten } = await handle.write(chunk, written, chunk.length - written);
    written += bytesWritten;
  }
}

/** Makes a rename in `dir` durable. */
async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

/** The bytes served do not hash to the sha256 the log records for them. */
export class StoredFileChangedError extends Error {
  constructor(readonly sha256: string) {
    super(`the stored file ${sha256} no longer has its sha256`);
    this.name = 'StoredFileChangedError';
  }
}

/**
 * Passes a stored file's bytes through while hashing them, holding the last chunk back until the
 * whole has been hashed: when the bytes do not hash to `sha256` the stream fails instead of
 * ending, so a reader never receives a complete copy of a changed file.
 */
export function verifiedAgainst(sha256: string): Transform {
  const hash = createHash('sha256');
  let held: Buffer | null = null;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      hash.update(chunk);
      const previous = held;
      held = chunk;
      callback(null, previous ?? undefined);
    },
    flush(callback) {
      if (hash.digest('hex') !== sha256) return callback(new StoredFileChangedError(sha256));
      callback(null, held ?? undefined);
    },
  });
}
