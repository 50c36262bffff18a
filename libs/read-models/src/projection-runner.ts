import type Database from 'better-sqlite3';
import { EventEmitter } from 'node:events';
import type { EventStore, EventSubscription, RecordedEvent } from '@app/event-store';
import type { Projection } from './projections/projection';

export interface ProjectionRunnerOptions {
  /** Events applied per transaction at most. */
  batchSize?: number;
  /** Called after each event is applied inside the open transaction (crash tests use it). */
  afterApply?: (event: RecordedEvent) => void;
  onError?: (error: unknown) => void;
}

/**
 * Feeds projections from a catch-up subscription to the event store. Each batch of events is
 * applied in one transaction that also moves every projection's checkpoint, so a crash anywhere
 * leaves rows and checkpoint in step: the restarted runner resumes exactly after the checkpoint.
 */
export class ProjectionRunner {
  private readonly progress = new EventEmitter();
  private subscription: EventSubscription | null = null;
  private running: Promise<void> | null = null;
  private buffer: RecordedEvent[] = [];
  private flushScheduled = false;
  private checkpoint: bigint;
  private readonly applyBatch: Database.Transaction<(events: RecordedEvent[]) => void>;
  private readonly batchSize: number;

  constructor(
    private readonly store: EventStore,
    private readonly db: Database.Database,
    private readonly projections: Projection[],
    private readonly options: ProjectionRunnerOptions = {},
  ) {
    this.progress.setMaxListeners(0);
    this.batchSize = options.batchSize ?? 1000;
    for (const p of projections) p.prepare(db);
    const read = db.prepare<[string], { position: number }>('SELECT position FROM projection_checkpoints WHERE name = ?');
    const write = db.prepare(
      'INSERT INTO projection_checkpoints (name, position, version) VALUES (?, ?, ?) ON CONFLICT (name) DO UPDATE SET position = excluded.position, version = excluded.version',
    );
    const positions = projections.map((p) => BigInt(read.get(p.name)?.position ?? 0));
    this.checkpoint = positions.reduce((a, b) => (b < a ? b : a), positions[0] ?? 0n);
    this.applyBatch = db.transaction((events: RecordedEvent[]) => {
      projections.forEach((projection, i) => {
        for (const event of events) {
          if (event.position <= positions[i]) continue;
          projection.apply(event);
          this.options.afterApply?.(event);
        }
        projection.endBatch?.();
      });
      const last = events[events.length - 1].position;
      projections.forEach((projection, i) => {
        if (last > positions[i]) positions[i] = last;
        write.run(projection.name, Number(positions[i]), projection.version);
      });
    });
  }

  /** Last position applied by every projection. */
  get position(): bigint {
    return this.checkpoint;
  }

  start(): void {
    if (this.running) return;
    this.subscription = this.store.subscribe({ afterPosition: this.checkpoint });
    this.running = this.pump(this.subscription);
  }

  /** Catches up to the head of the log synchronously with respect to the caller (rebuilds, CLI). */
  async catchUp(): Promise<void> {
    for (;;) {
      const events = await this.store.readAll({ afterPosition: this.checkpoint, maxCount: this.batchSize * 5 });
      if (events.length === 0) return;
      for (let i = 0; i < events.length; i += this.batchSize) this.commit(events.slice(i, i + this.batchSize));
    }
  }

  private async pump(subscription: EventSubscription): Promise<void> {
    try {
      for await (const event of subscription) {
        this.buffer.push(event);
        if (this.buffer.length >= this.batchSize) this.flush();
        else if (!this.flushScheduled) {
          this.flushScheduled = true;
          setImmediate(() => this.flush());
        }
      }
      this.flush();
    } catch (error) {
      this.options.onError?.(error);
    }
  }

  private flush(): void {
    this.flushScheduled = false;
    if (this.buffer.length === 0 || !this.db.open) return;
    const batch = this.buffer;
    this.buffer = [];
    this.commit(batch);
  }

  private commit(batch: RecordedEvent[]): void {
    // IMMEDIATE: the write lock is taken at BEGIN, waiting out another process's batch, instead of
    // failing with SQLITE_BUSY when a batch that read first must upgrade to write.
    this.applyBatch.immediate(batch);
    this.checkpoint = batch[batch.length - 1].position;
    this.progress.emit('progress', this.checkpoint);
  }

  /** Resolves true once the projections reached `position`, false after `timeoutMs`. */
  waitFor(position: bigint, timeoutMs: number): Promise<boolean> {
    if (this.checkpoint >= position) return Promise.resolve(true);
    return new Promise((resolve) => {
      const onProgress = (reached: bigint) => {
        if (reached >= position) done(true);
      };
      const timer = setTimeout(() => done(false), timeoutMs);
      const done = (ok: boolean) => {
        clearTimeout(timer);
        this.progress.off('progress', onProgress);
        resolve(ok);
      };
      this.progress.on('progress', onProgress);
    });
  }

  async stop(): Promise<void> {
    await this.subscription?.stop();
    await this.running;
    this.flush();
    this.running = null;
  }
}
