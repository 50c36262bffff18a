import type Database from 'better-sqlite3';
import type { EventStore, RecordedEvent } from '@app/event-store';
import { createProjections, openReadModelDb } from '@app/read-models';
import { walkLog } from '../log-walk';

/**
 * The province as it was at `asOf`, the slow and obvious way: every event that had occurred by
 * then replayed into a fresh in-memory read model. The service answers asOf reports from the
 * history the projection keeps; tests compare the two.
 */
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
