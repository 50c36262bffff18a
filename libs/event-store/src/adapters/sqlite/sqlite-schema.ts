import type Database from 'better-sqlite3';

/**
 * One table holds the whole log. `position` is the global order: SQLite lets one writer commit
 * at a time and AUTOINCREMENT hands out positions inside the write transaction, so positions
 * become visible in increasing order and a reader never sees position n+1 before n.
 */
export function migrateEventStore(db: Database.Database): void {
  db.exec(`
    CREATE TABLE IF NOT EXISTS events (
      position    INTEGER PRIMARY KEY AUTOINCREMENT,
      stream      TEXT    NOT NULL,
      revision    INTEGER NOT NULL,
      id          TEXT    NOT NULL,
      type        TEXT    NOT NULL,
      data        TEXT    NOT NULL,
      metadata    TEXT    NOT NULL,
      recorded_at TEXT    NOT NULL,
      UNIQUE (stream, revision)
    );
    CREATE UNIQUE INDEX IF NOT EXISTS events_id ON events (id);
  `);
}

/** Row shape of the `events` table. */
export interface EventRow {
  position: number;
  stream: string;
  revision: number;
  id: string;
  type: string;
  data: string;
  metadata: string;
  recorded_at: string;
}
