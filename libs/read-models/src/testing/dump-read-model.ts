import type Database from 'better-sqlite3';

/** Every table of the read model, each ordered by its whole primary key. */
const TABLES: Record<string, string> = {
  projection_checkpoints: 'SELECT * FROM projection_checkpoints ORDER BY name',
  recommendations: 'SELECT * FROM recommendations ORDER BY id',
  recommendation_departments: 'SELECT * FROM recommendation_departments ORDER BY department, involvement, id',
  coordination: 'SELECT * FROM coordination ORDER BY id, assignment_no, department, started_at',
  explanations: 'SELECT * FROM explanations ORDER BY id, explanation_no',
  attachment_refs: 'SELECT * FROM attachment_refs ORDER BY attachment_id, id',
  sessions: 'SELECT * FROM sessions ORDER BY id',
  resolutions: 'SELECT * FROM resolutions ORDER BY id, position',
  recommendation_history: 'SELECT * FROM recommendation_history ORDER BY id, position',
  accounts: 'SELECT * FROM accounts ORDER BY id',
  pending_deliveries: 'SELECT * FROM pending_deliveries ORDER BY notice_id, channel',
  recommendations_fts: 'SELECT rowid, id, title, description FROM recommendations_fts ORDER BY id, rowid',
};

/** All rows of a read-model database, for comparing two of them row for row in tests. */
export function dumpReadModel(db: Database.Database): Record<string, unknown[]> {
  return Object.fromEntries(Object.entries(TABLES).map(([table, sql]) => [table, db.prepare(sql).all()]));
}
