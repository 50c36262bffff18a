import Database from 'better-sqlite3';
import { EventEmitter } from 'node:events';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { ConcurrencyError, InvalidAppendError, StoreUnavailableError, StreamNotFoundError } from '../../event-store.errors';
import type {
  AppendResult,
  EventStore,
  EventSubscription,
  ExpectedRevision,
  NewEvent,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  SubscribeOptions,
} from '../../event-store.port';
import { migrateEventStore, type EventRow } from './sqlite-schema';
import { PollingSubscription } from './sqlite-subscription';

export interface SqliteEventStoreOptions {
  /** Path of the database file (created with its folder when missing). */
  file: string;
  /** How often subscriptions look for appends made by other processes sharing the file. */
  pollIntervalMs?: number;
  /** `FULL` (default) survives power loss; `NORMAL` only process crashes. */
  synchronous?: 'FULL' | 'NORMAL';
  /** How long a write waits for another process's write lock before failing as unavailable. */
  busyTimeoutMs?: number;
}

interface PendingAppend {
  stream: string;
  events: readonly NewEvent[];
  expected: ExpectedRevision;
  resolve: (result: AppendResult) => void;
  reject: (error: unknown) => void;
}

const BATCH_READ = 500;

/**
 * The embedded event store on better-sqlite3, in WAL mode.
 *
 * Group commit: appends requested while a commit is being prepared are queued and written
 * together in one transaction (one fsync). Each append runs in its own savepoint, so one that
 * fails its expected-revision check is rolled back alone and the others still commit.
 * Promises resolve only after COMMIT returned, i.e. after the WAL was synced.
 */
export class SqliteEventStore implements EventStore {
  private readonly db: Database.Database;
  private readonly committed = new EventEmitter();
  private readonly subscriptions = new Set<PollingSubscription>();
  private queue: PendingAppend[] = [];
  private flushScheduled = false;
  private closed = false;
  private readonly pollIntervalMs: number;
  private readonly stmts: ReturnType<SqliteEventStore['prepare']>;

  constructor(options: SqliteEventStoreOptions) {
    mkdirSync(dirname(options.file), { recursive: true });
    this.db = new Database(options.file, { timeout: options.busyTimeoutMs ?? 5000 });
    this.db.pragma('journal_mode = WAL');
    this.db.pragma(`synchronous = ${options.synchronous ?? 'FULL'}`);
    migrateEventStore(this.db);
    this.pollIntervalMs = options.pollIntervalMs ?? 250;
    this.committed.setMaxListeners(0);
    this.stmts = this.prepare();
  }

  private prepare() {
    const db = this.db;
    return {
      head: db.prepare<[string], { revision: number | null }>('SELECT max(revision) AS revision FROM events WHERE stream = ?'),
      byId: db.prepare<[string], EventRow>('SELECT * FROM events WHERE id = ?'),
      insert: db.prepare<[string, number, string, string, string, string, string]>(
        'INSERT INTO events (stream, revision, id, type, data, metadata, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
      ),
      streamForwards: db.prepare<[string, number, number], EventRow>(
        'SELECT * FROM events WHERE stream = ? AND revision >= ? ORDER BY revision ASC LIMIT ?',
      ),
      streamBackwards: db.prepare<[string, number, number], EventRow>(
        'SELECT * FROM events WHERE stream = ? AND revision <= ? ORDER BY revision DESC LIMIT ?',
      ),
      all: db.prepare<[number, number], EventRow>('SELECT * FROM events WHERE position >= ? ORDER BY position ASC LIMIT ?'),
      headPosition: db.prepare<[], { position: number | null }>('SELECT max(position) AS position FROM events'),
    };
  }

  append(stream: string, events: readonly NewEvent[], expected: ExpectedRevision): Promise<AppendResult> {
    if (this.closed) return Promise.reject(new StoreUnavailableError('event store is closed'));
    if (events.length === 0) return Promise.reject(new InvalidAppendError('an append needs at least one event'));
    return new Promise<AppendResult>((resolve, reject) => {
      this.queue.push({ stream, events, expected, resolve, reject });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /** Writes every queued append in one transaction and settles their promises after COMMIT. */
  private flush(): void {
    this.flushScheduled = false;
    const batch = this.queue;
    this.queue = [];
    if (batch.length === 0) return;
    const outcomes: Array<{ ok: true; result: AppendResult } | { ok: false; error: unknown }> = [];
    let wrote = false;
    try {
      this.db.exec('BEGIN IMMEDIATE');
      for (const pending of batch) {
        this.db.exec('SAVEPOINT append_one');
        try {
          const { result, inserted } = this.appendOne(pending);
          this.db.exec('RELEASE append_one');
          wrote ||= inserted;
          outcomes.push({ ok: true, result });
        } catch (error) {
          this.db.exec('ROLLBACK TO append_one');
          this.db.exec('RELEASE append_one');
          outcomes.push({ ok: false, error });
        }
      }
      this.db.exec('COMMIT');
    } catch (error) {
      if (this.db.inTransaction) this.db.exec('ROLLBACK');
      const unavailable = new StoreUnavailableError(`event store write failed: ${(error as Error).message}`, { cause: error });
      for (const pending of batch) pending.reject(unavailable);
      return;
    }
    batch.forEach((pending, i) => {
      const outcome = outcomes[i];
      if (outcome.ok) pending.resolve(outcome.result);
      else pending.reject(outcome.error);
    });
    if (wrote) this.committed.emit('commit');
  }

  private appendOne({ stream, events, expected }: PendingAppend): { result: AppendResult; inserted: boolean } {
    const retried = this.findRetriedAppend(stream, events);
    if (retried) return { result: retried, inserted: false };

    const head = this.stmts.head.get(stream)?.revision ?? null;
    checkExpected(stream, expected, head);
    const recordedAt = new Date().toISOString();
    let revision = head ?? -1;
    let position = 0;
    for (const event of events) {
      revision += 1;
      try {
        const info = this.stmts.insert.run(
          stream,
          revision,
          event.id,
          event.type,
          JSON.stringify(event.data),
          JSON.stringify(event.metadata),
          recordedAt,
        );
        position = Number(info.lastInsertRowid);
      } catch (error) {
        if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') {
          throw new InvalidAppendError(`event id ${event.id} is already used by another event`);
        }
        throw error;
      }
    }
    return { result: { nextRevision: BigInt(revision), position: BigInt(position) }, inserted: true };
  }

  /**
   * A retry of an append that already committed: its first event id is in the stream. The whole
   * batch must match what was written, otherwise the id was reused for something else.
   */
  private findRetriedAppend(stream: string, events: readonly NewEvent[]): AppendResult | null {
    const first = this.stmts.byId.get(events[0].id);
    if (!first) return null;
    if (first.stream !== stream) {
      throw new InvalidAppendError(`event id ${events[0].id} already belongs to stream ${first.stream}`);
    }
    const written = this.stmts.streamForwards.all(stream, first.revision, events.length);
    const same =
      written.length === events.length && written.every((row, i) => row.id === events[i].id && row.type === events[i].type);
    if (!same) throw new InvalidAppendError(`event id ${events[0].id} was already appended with other events`);
    const last = written[written.length - 1];
    return { nextRevision: BigInt(last.revision), position: BigInt(last.position) };
  }

  readStream(stream: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    return this.guard(() => {
      const maxCount = options.maxCount ?? Number.MAX_SAFE_INTEGER;
      const rows =
        options.direction === 'backwards'
          ? this.stmts.streamBackwards.all(stream, Number(options.fromRevision ?? BigInt(Number.MAX_SAFE_INTEGER)), maxCount)
          : this.stmts.streamForwards.all(stream, Number(options.fromRevision ?? 0n), maxCount);
      if (rows.length === 0 && this.stmts.head.get(stream)?.revision == null) throw new StreamNotFoundError(stream);
      return rows.map(toRecorded);
    });
  }

  readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    return this.guard(() => this.readAllSync(startOf(options), options.maxCount ?? Number.MAX_SAFE_INTEGER));
  }

  /** Synchronous read used by subscriptions; one page of the global log. */
  readAllSync(fromPosition: bigint, maxCount = BATCH_READ): RecordedEvent[] {
    return this.stmts.all.all(Number(fromPosition), maxCount).map(toRecorded);
  }

  subscribe(options: SubscribeOptions = {}): EventSubscription {
    const subscription = new PollingSubscription({
      fromPosition: startOf(options),
      read: (from) => this.readAllSync(from),
      committed: this.committed,
      pollIntervalMs: this.pollIntervalMs,
      onStop: (s) => this.subscriptions.delete(s),
    });
    this.subscriptions.add(subscription);
    return subscription;
  }

  headPosition(): Promise<bigint> {
    return this.guard(() => BigInt(this.stmts.headPosition.get()?.position ?? 0));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.queue.length > 0) this.flush();
    await Promise.all([...this.subscriptions].map((s) => s.stop()));
    this.db.close();
  }

  private async guard<T>(read: () => T): Promise<T> {
    if (this.closed) throw new StoreUnavailableError('event store is closed');
    try {
      return read();
    } catch (error) {
      if (error instanceof StreamNotFoundError) throw error;
      throw new StoreUnavailableError(`event store read failed: ${(error as Error).message}`, { cause: error });
    }
  }
}

/** First position to read: just after a checkpoint, or from a position. */
function startOf(options: { fromPosition?: bigint; afterPosition?: bigint }): bigint {
  return options.afterPosition !== undefined ? options.afterPosition + 1n : (options.fromPosition ?? 0n);
}

function checkExpected(stream: string, expected: ExpectedRevision, head: number | null): void {
  const actual = head === null ? 'no_stream' : BigInt(head);
  const ok =
    expected === 'any' ||
    (expected === 'no_stream' && head === null) ||
    (expected === 'stream_exists' && head !== null) ||
    (typeof expected === 'bigint' && head !== null && expected === BigInt(head));
  if (!ok) throw new ConcurrencyError(stream, expected, actual);
}

/**
 * A stored event whose data and metadata are parsed on first use: replays that only look at the
 * data (projections) skip parsing the metadata, most of an event's bytes.
 */
class SqliteRecordedEvent implements RecordedEvent {
  readonly id: string;
  readonly stream: string;
  readonly type: string;
  readonly revision: bigint;
  readonly position: bigint;
  private parsedData?: RecordedEvent['data'];
  private parsedMetadata?: RecordedEvent['metadata'];

  constructor(private readonly row: EventRow) {
    this.id = row.id;
    this.stream = row.stream;
    this.type = row.type;
    this.revision = BigInt(row.revision);
    this.position = BigInt(row.position);
  }

  get data(): RecordedEvent['data'] {
    return (this.parsedData ??= JSON.parse(this.row.data) as RecordedEvent['data']);
  }

  get metadata(): RecordedEvent['metadata'] {
    return (this.parsedMetadata ??= JSON.parse(this.row.metadata) as RecordedEvent['metadata']);
  }

  get recordedAt(): Date {
    return new Date(this.row.recorded_at);
  }

  /** Plain object when serialised (exports, logs). */
  toJSON() {
    const { id, stream, type, data, metadata, revision, position, recordedAt } = this;
    return { id, stream, type, data, metadata, revision: revision.toString(), position: position.toString(), recordedAt };
  }
}

function toRecorded(row: EventRow): RecordedEvent {
  return new SqliteRecordedEvent(row);
}
