import { AccountsProjection } from './projections/accounts.projection';
import type Database from 'better-sqlite3';
import { join } from 'node:path';
import type { EventStore } from '@app/event-store';
import { ProjectionRunner } from './projection-runner';
import type { Projection } from './projections/projection';
import { RecommendationHistoryProjection } from './projections/history.projection';
import { RecommendationsProjection } from './projections/recommendations.projection';
import { SessionsProjection } from './projections/sessions.projection';
import { createSecondaryIndexes, openReadModelDb, switchReadModelFile } from './read-model-db';

/** Every projection of the service, fresh. */
export function createProjections(): Projection[] {
  return [
    new RecommendationsProjection(),
    new RecommendationHistoryProjection(),
    new AccountsProjection(),
    new SessionsProjection(),
  ];
}

/** Projections whose stored version differs from the code's: their rows must be rebuilt. */
export function outdatedProjections(db: Database.Database, projections: Projection[]): string[] {
  const stored = new Map(
    (db.prepare('SELECT name, version FROM projection_checkpoints').all() as Array<{ name: string; version: number }>).map(
      (r) => [r.name, r.version],
    ),
  );
  return projections.filter((p) => stored.has(p.name) && stored.get(p.name) !== p.version).map((p) => p.name);
}

/**
 * Blue/green rebuild: replays the whole log into a new file with the same projection code, then
 * makes it the file in use with one atomic rename. Readers of the old file keep answering until
 * they notice the switch. Returns the new file and the position it reached.
 */
export async function rebuildReadModels(store: EventStore, dataDir: string, options: { batchSize?: number } = {}) {
  const fileName = `read-models-${new Date().toISOString().replace(/[:.]/g, '-')}-${process.pid}.sqlite`;
  const file = join(dataDir, fileName);
  const db = openReadModelDb(file, { bulk: true });
  try {
    const runner = new ProjectionRunner(store, db, createProjections(), { batchSize: options.batchSize ?? 5000 });
    await runner.catchUp();
    const position = runner.position;
    createSecondaryIndexes(db);
    db.pragma('synchronous = NORMAL');
    db.pragma('wal_checkpoint(TRUNCATE)');
    switchReadModelFile(dataDir, fileName);
    return { file, position };
  } finally {
    db.close();
  }
}
