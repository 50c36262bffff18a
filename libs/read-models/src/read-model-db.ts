import Database from 'better-sqlite3';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const DEFAULT_READ_MODEL_FILE = 'read-models.sqlite';
const POINTER = 'read-models.current';

/**
 * Read models live in their own SQLite file, apart from the event store: they can be thrown away
 * and rebuilt from the log. A pointer file names the file in use, so a rebuild can prepare a new
 * file while the service keeps answering from the old one, then switch with one atomic rename.
 */
export function activeReadModelFile(dataDir: string): string {
  const pointer = join(dataDir, POINTER);
  const name = existsSync(pointer) ? readFileSync(pointer, 'utf8').trim() : DEFAULT_READ_MODEL_FILE;
  return join(dataDir, name || DEFAULT_READ_MODEL_FILE);
}

/** Makes `fileName` (inside `dataDir`) the read-model file in use. */
export function switchReadModelFile(dataDir: string, fileName: string): void {
  const pointer = join(dataDir, POINTER);
  const temporary = `${pointer}.${process.pid}.tmp`;
  writeFileSync(temporary, fileName);
  renameSync(temporary, pointer);
}

export function openReadModelDb(file: string, options: { readonly?: boolean; bulk?: boolean } = {}): Database.Database {
  if (file !== ':memory:') mkdirSync(join(file, '..'), { recursive: true });
  const db = new Database(file, { timeout: 5000 });
  db.pragma('journal_mode = WAL');
  // Rows can always be rebuilt from the log, and each batch commits with its checkpoint: a lost
  // tail after power loss is replayed, never half-applied.
  db.pragma('synchronous = NORMAL');
  if (options.bulk) {
    // A file being rebuilt is thrown away if anything fails: no need to sync it while it fills.
    db.pragma('synchronous = OFF');
    db.pragma('cache_size = -262144');
  }
  if (!options.readonly) migrateReadModels(db, { indexes: !options.bulk });
  return db;
}

/** Secondary indexes: built after a bulk rebuild (far faster than maintaining them row by row). */
const SECONDARY_INDEXES = `
    CREATE INDEX IF NOT EXISTS recommendations_status_due ON recommendations (status, due_ms, id);
    CREATE INDEX IF NOT EXISTS recommendations_department_status_due ON recommendations (department, status, due_ms, id);
    CREATE INDEX IF NOT EXISTS recommendations_raised ON recommendations (raised_at, id);
    CREATE INDEX IF NOT EXISTS recommendations_commune ON recommendations (commune, raised_at);
    CREATE INDEX IF NOT EXISTS resolutions_resolved_at ON resolutions (resolved_at);
`;

export function createSecondaryIndexes(db: Database.Database): void {
  db.exec(SECONDARY_INDEXES);
}

export function migrateReadModels(db: Database.Database, options: { indexes?: boolean } = {}): void {
  db.exec(`
    CREATE TABLE IF NOT EXISTS projection_checkpoints (
      name TEXT PRIMARY KEY,
      position INTEGER NOT NULL,
      version INTEGER NOT NULL
    );
    CREATE TABLE IF NOT EXISTS recommendations (
      id TEXT PRIMARY KEY,
      status TEXT NOT NULL,
      commune TEXT NOT NULL,
      working_group INTEGER,
      session_date TEXT,
      category TEXT NOT NULL,
      title TEXT NOT NULL,
      raised_at TEXT NOT NULL,
      raised_by TEXT NOT NULL,
      department TEXT,
      assignment_no INTEGER,
      assigned_at TEXT,
      due_at TEXT,
      -- Due time in ms for sorting and overdue checks; the largest safe integer while there is none,
      -- so that sorting by it can use the index instead of sorting every matching row.
      due_ms INTEGER NOT NULL DEFAULT 9007199254740991,
      -- When the current due date was set; reminders due before that are not planned.
      due_set_at TEXT,
      -- Leads already reminded for the current due date (comma-separated), and escalations made.
      reminders_sent TEXT NOT NULL DEFAULT '',
      escalation_level INTEGER NOT NULL DEFAULT 0,
      acknowledged_at TEXT,
      resolved_at TEXT,
      on_time INTEGER,
      revision INTEGER NOT NULL,
      last_position INTEGER NOT NULL
    );
    CREATE TABLE IF NOT EXISTS recommendation_departments (
      id TEXT NOT NULL,
      department TEXT NOT NULL,
      PRIMARY KEY (department, id)
    ) WITHOUT ROWID;
    CREATE TABLE IF NOT EXISTS resolutions (
      id TEXT NOT NULL,
      position INTEGER NOT NULL,
      department TEXT,
      assignment_no INTEGER,
      assigned_at TEXT,
      raised_at TEXT NOT NULL,
      due_at TEXT,
      resolved_at TEXT NOT NULL,
      on_time INTEGER NOT NULL,
      PRIMARY KEY (id, position)
    );
    -- Each channel of a notice (ReminderSent, DeadlineEscalated) until its outcome is recorded
    -- (NotificationDelivered or NotificationFailed): what a reconcile re-enqueues when Redis lost it.
    CREATE TABLE IF NOT EXISTS pending_deliveries (
      notice_id TEXT NOT NULL,
      channel TEXT NOT NULL,
      id TEXT NOT NULL,
      position INTEGER NOT NULL,
      PRIMARY KEY (notice_id, channel)
    ) WITHOUT ROWID;
    -- Each item as it stood from one event's time until the next event's (valid_to_ms = the
    -- largest safe integer while in force): what asOf reports read. Stored in order of the end of
    -- validity, so the items of an instant are one contiguous range (valid_to_ms > asOf, the
    -- versions still in force then and later), read without a lookup per row; and new rows land
    -- at the end (closed now, or in force). The report columns fixed at raising are repeated here
    -- so that a report needs no join; the title is joined only for the items a page lists.
    CREATE TABLE IF NOT EXISTS recommendation_history (
      valid_to_ms INTEGER NOT NULL,
      valid_from_ms INTEGER NOT NULL,
      id TEXT NOT NULL,
      position INTEGER NOT NULL,
      commune TEXT NOT NULL,
      working_group INTEGER,
      session_date TEXT,
      category TEXT NOT NULL,
      raised_at TEXT NOT NULL,
      status TEXT NOT NULL,
      department TEXT,
      assignment_no INTEGER,
      assigned_at TEXT,
      due_at TEXT,
      due_ms INTEGER NOT NULL,
      acknowledged_at TEXT,
      resolved_at TEXT,
      on_time INTEGER,
      revision INTEGER NOT NULL,
      held TEXT NOT NULL,
      PRIMARY KEY (valid_to_ms, valid_from_ms, id, position)
    ) WITHOUT ROWID;
    CREATE INDEX IF NOT EXISTS recommendation_history_item ON recommendation_history (id, position);
    CREATE TABLE IF NOT EXISTS accounts (
      id TEXT PRIMARY KEY,
      username TEXT NOT NULL,
      name TEXT NOT NULL,
      email TEXT,
      language TEXT NOT NULL,
      role TEXT NOT NULL,
      department TEXT,
      commune TEXT,
      disabled INTEGER NOT NULL,
      session_epoch INTEGER NOT NULL,
      last_sign_in_at TEXT,
      position INTEGER NOT NULL
    );
    CREATE VIRTUAL TABLE IF NOT EXISTS recommendations_fts USING fts5 (id UNINDEXED, title, description, tokenize = 'unicode61 remove_diacritics 2');
  `);
  if (options.indexes !== false) createSecondaryIndexes(db);
}
