import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { department, secretariat } from '../../recommendations/src/testing/recommendation.builder';
import { listRecommendations } from './queries/list-recommendations';
import { listSessions } from './queries/sessions';
import { summaryReport } from './queries/reports';
import { openReadModelDb } from './read-model-db';
import { createProjections, outdatedProjections } from './rebuild';

describe('a read-model file written by the previous version', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'fut-read-model-db-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** The tables as the first wave wrote them, with one item held by home-affairs. */
  function earlierFile(): string {
    const file = join(dir, 'read-models.sqlite');
    const db = new Database(file);
    db.exec(`
      CREATE TABLE projection_checkpoints (name TEXT PRIMARY KEY, position INTEGER NOT NULL, version INTEGER NOT NULL);
      INSERT INTO projection_checkpoints VALUES ('recommendations', 5, 3), ('recommendation-history', 5, 2), ('accounts', 5, 1);
      CREATE TABLE recommendations (
        id TEXT PRIMARY KEY, status TEXT NOT NULL, commune TEXT NOT NULL, working_group INTEGER, session_date TEXT,
        category TEXT NOT NULL, title TEXT NOT NULL, raised_at TEXT NOT NULL, raised_by TEXT NOT NULL, department TEXT,
        assignment_no INTEGER, assigned_at TEXT, due_at TEXT, due_ms INTEGER NOT NULL DEFAULT 9007199254740991,
        due_set_at TEXT, reminders_sent TEXT NOT NULL DEFAULT '', escalation_level INTEGER NOT NULL DEFAULT 0,
        acknowledged_at TEXT, resolved_at TEXT, on_time INTEGER, revision INTEGER NOT NULL, last_position INTEGER NOT NULL);
      CREATE TABLE recommendation_departments (id TEXT NOT NULL, department TEXT NOT NULL, PRIMARY KEY (department, id)) WITHOUT ROWID;
      INSERT INTO recommendations (id, status, commune, category, title, raised_at, raised_by, department, assignment_no,
        assigned_at, due_at, due_ms, revision, last_position)
      VALUES ('r-1', 'assigned', 'tam-thanh', 'staffing', 'Second IT staff', '2025-08-04T02:00:00.000Z', 'clerk', 'home-affairs', 1,
        '2025-08-05T02:00:00.000Z', '2025-09-30T10:00:00.000Z', ${Date.parse('2025-09-30T10:00:00.000Z')}, 2, 5);
      INSERT INTO recommendation_departments VALUES ('r-1', 'home-affairs');
    `);
    db.close();
    return file;
  }

  it('keeps answering with what it holds until the rebuild its outdated projections call for replaces it', () => {
    const db = openReadModelDb(earlierFile());
    try {
      const now = new Date('2025-10-01T00:00:00.000Z');
      expect(outdatedProjections(db, createProjections()).sort()).toEqual(['recommendation-history', 'recommendations']);
      expect(listRecommendations(db, department('home-affairs'), {}, now).items).toEqual([
        expect.objectContaining({ id: 'r-1', sessionId: null, overdue: true }),
      ]);
      expect(listRecommendations(db, department('home-affairs'), { involvement: 'lead' }, now).total).toBe(1);
      expect(listRecommendations(db, department('home-affairs'), { involvement: 'coordinating' }, now).total).toBe(0);
      expect(summaryReport(db, secretariat(), {}, now)).toMatchObject({
        totals: { open: 1, overdue: 1 },
        coordination: [],
        explanations: { pending: 0, late: 0, answered: 0, answeredLate: 0 },
      });
      expect(listSessions(db, secretariat(), {}, now)).toEqual({ items: [] });
    } finally {
      db.close();
    }
  });
});
