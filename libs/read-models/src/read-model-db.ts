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
    CREATE INDEX IF NOT EXISTS recommendations_session ON recommendations (session_id, raised_at) WHERE session_id IS NOT NULL;
    CREATE INDEX IF NOT EXISTS recommendation_departments_item ON recommendation_departments (id, involvement);
    CREATE INDEX IF NOT EXISTS coordination_open_department ON coordination (department, id) WHERE ended_at IS NULL;
    CREATE INDEX IF NOT EXISTS attachment_refs_item ON attachment_refs (id);
    CREATE INDEX IF NOT EXISTS sessions_date ON sessions (date, id);
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
      -- The recorded working session it was raised at (RaisedInSession), if any.
      session_id TEXT,
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
    -- Every department that held an item, as lead or coordinating, now or before: the read scope
    -- looks at any involvement, ?involvement= at one.
    CREATE TABLE IF NOT EXISTS recommendation_departments (
      id TEXT NOT NULL,
      department TEXT NOT NULL,
      involvement TEXT NOT NULL,
      PRIMARY KEY (department, involvement, id)
    ) WITHOUT ROWID;
    -- Each coordinating department's part of an assignment: its own due date, first contribution,
    -- reminders and escalations. Open while ended_at is NULL; ended when the assignment ends
    -- (end_reason returned, resolved, reassigned) or when a merger moved the part to another
    -- department (end_reason transferred: the part goes on in the row of the department that took
    -- it over, started then; a department may so hold a part of one assignment more than once,
    -- one row each time). due_set_at is when the due date was set (the request). At most one row
    -- per assignment and department is open.
    CREATE TABLE IF NOT EXISTS coordination (
      id TEXT NOT NULL,
      assignment_no INTEGER NOT NULL,
      department TEXT NOT NULL,
      due_at TEXT NOT NULL,
      due_ms INTEGER NOT NULL,
      due_set_at TEXT NOT NULL,
      started_at TEXT NOT NULL,
      contributed_at TEXT,
      reminders_sent TEXT NOT NULL DEFAULT '',
      escalation_level INTEGER NOT NULL DEFAULT 0,
      ended_at TEXT,
      end_reason TEXT,
      PRIMARY KEY (id, assignment_no, department, started_at)
    ) WITHOUT ROWID;
    -- Written explanations the committee required, answered or not; department is the lead asked.
    CREATE TABLE IF NOT EXISTS explanations (
      id TEXT NOT NULL,
      explanation_no INTEGER NOT NULL,
      assignment_no INTEGER NOT NULL,
      department TEXT NOT NULL,
      requested_at TEXT NOT NULL,
      due_at TEXT NOT NULL,
      due_ms INTEGER NOT NULL,
      answered_at TEXT,
      on_time INTEGER,
      reminders_sent TEXT NOT NULL DEFAULT '',
      PRIMARY KEY (id, explanation_no)
    ) WITHOUT ROWID;
    -- Which items cite which stored files (whoever may read the item may download them).
    CREATE TABLE IF NOT EXISTS attachment_refs (
      attachment_id TEXT NOT NULL,
      id TEXT NOT NULL,
      PRIMARY KEY (attachment_id, id)
    ) WITHOUT ROWID;
    -- Recorded working sessions; communes is a JSON array of commune codes.
    CREATE TABLE IF NOT EXISTS sessions (
      id TEXT PRIMARY KEY,
      working_group INTEGER NOT NULL,
      date TEXT NOT NULL,
      communes TEXT NOT NULL,
      place TEXT,
      leader TEXT,
      minutes_ref TEXT,
      recorded_at TEXT NOT NULL,
      position INTEGER NOT NULL
    );
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
  upgradeEarlierShapes(db);
  if (options.indexes !== false) createSecondaryIndexes(db);
}

/**
 * A file written by an earlier version keeps answering (with what it knew) until the rebuild its
 * projection versions call for replaces it: the columns queries now read are added, empty. Its
 * departments all held their items as lead, the only involvement there was.
 */
function upgradeEarlierShapes(db: Database.Database): void {
  const columns = (table: string) =>
    new Set((db.prepare(`PRAGMA table_info(${table})`).all() as Array<{ name: string }>).map((c) => c.name));
  if (!columns('recommendations').has('session_id')) db.exec('ALTER TABLE recommendations ADD COLUMN session_id TEXT');
  if (!columns('recommendation_departments').has('involvement'))
    db.exec("ALTER TABLE recommendation_departments ADD COLUMN involvement TEXT NOT NULL DEFAULT 'lead'");
}
