import type Database from 'better-sqlite3';
import type { EventStore, RecordedEvent } from '@app/event-store';
import { createProjections, openReadModelDb } from '@app/read-models';
import { walkLog } from './log-walk';

/**
 * The province as the committee would have seen it at `asOf`: the log replayed, up to that time,
 * into a temporary in-memory read model by the same projection code. Recent answers are cached
 * (the log only grows, so an entry is keyed by the time and the head it was built from), and the
 * cache holds a bounded number of models.
 */
export class ProvinceTimeTravel {
  private readonly cache = new Map<string, Database.Database>();

  constructor(
    private readonly store: EventStore,
    private readonly maxEntries = 4,
  ) {}

  async readModelAt(asOf: Date): Promise<Database.Database> {
    const key = `${asOf.toISOString()}@${await this.store.headPosition()}`;
    const cached = this.cache.get(key);
    if (cached) {
      this.cache.delete(key);
      this.cache.set(key, cached);
      return cached;
    }
    const db = await replayUntil(this.store, asOf);
    this.cache.set(key, db);
    while (this.cache.size > this.maxEntries) {
      const [oldest, model] = this.cache.entries().next().value as [string, Database.Database];
      this.cache.delete(oldest);
      model.close();
    }
    return db;
  }

  close(): void {
    for (const db of this.cache.values()) db.close();
    this.cache.clear();
  }
}

/** Replays every event that had occurred by `asOf` into a fresh in-memory read model. */
export async function replayUntil(store: EventStore, asOf: Date): Promise<Database.Database> {
  const db = openReadModelDb(':memory:');
  const projections = createProjections();
  for (const p of projections) p.prepare(db);
  const applyBatch = db.transaction((events: RecordedEvent[]) => {
    for (const event of events) for (const p of projections) p.apply(event);
    for (const p of projections) p.endBatch?.();
  });
  const limit = asOf.getTime();
  let batch: RecordedEvent[] = [];
  for await (const event of walkLog(store)) {
    if (Date.parse(String(event.metadata.occurredAt)) > limit) continue;
    batch.push(event);
    if (batch.length >= 5000) {
      applyBatch(batch);
      batch = [];
    }
  }
  if (batch.length > 0) applyBatch(batch);
  return db;
}
