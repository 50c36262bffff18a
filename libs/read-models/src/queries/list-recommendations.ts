import type Database from 'better-sqlite3';
import { readScopeOf, type Actor } from '@app/recommendations';
import { foldForSearch } from './search-text';

/** How a department is (or was) on an item: leading its assignment, or coordinating on it. */
export type Involvement = 'lead' | 'coordinating';

export interface ListFilters {
  status?: string;
  /**
   * The item's lead department now; with `involvement`, the department whose involvement is
   * asked for (the caller's own when it is a department and names none).
   */
  department?: string;
  /** Items the department leads or led (`lead`), or coordinates or coordinated (`coordinating`). */
  involvement?: Involvement;
  /** Items raised at this recorded working session. */
  sessionId?: string;
  commune?: string;
  workingGroup?: number;
  category?: string;
  overdue?: boolean;
  q?: string;
  sort?: 'dueAt' | '-raisedAt';
  limit?: number;
  cursor?: string;
}

export interface RecommendationRow {
  id: string;
  status: string;
  commune: string;
  working_group: number | null;
  session_date: string | null;
  category: string;
  title: string;
  raised_at: string;
  raised_by: string;
  session_id: string | null;
  department: string | null;
  assignment_no: number | null;
  assigned_at: string | null;
  due_at: string | null;
  due_ms: number;
  acknowledged_at: string | null;
  resolved_at: string | null;
  on_time: number | null;
  revision: number;
}

export interface ListItem {
  id: string;
  revision: number;
  status: string;
  commune: string;
  workingGroup: number | null;
  sessionId: string | null;
  category: string;
  title: string;
  raisedAt: string;
  department: string | null;
  assignedAt: string | null;
  acknowledgedAt: string | null;
  dueAt: string | null;
  resolvedAt: string | null;
  overdue: boolean;
  daysOverdue: number;
}

export class InvalidCursorError extends Error {
  readonly code = 'VALIDATION.CURSOR';
  // Named, so that it is recognised when it crosses from a report thread.
  override readonly name = 'InvalidCursorError';
}

const DAY = 86_400_000;

export function toListItem(row: RecommendationRow, nowMs: number): ListItem {
  const late = row.status === 'assigned' ? nowMs - row.due_ms : 0;
  return {
    id: row.id,
    revision: row.revision,
    status: row.status,
    commune: row.commune,
    workingGroup: row.working_group,
    // Never changes after raising: an item read from its history gets it from the live row.
    sessionId: row.session_id ?? null,
    category: row.category,
    title: row.title,
    raisedAt: row.raised_at,
    department: row.department,
    assignedAt: row.assigned_at,
    acknowledgedAt: row.acknowledged_at,
    dueAt: row.due_at,
    resolvedAt: row.resolved_at,
    overdue: late > 0,
    daysOverdue: late > 0 ? Math.floor(late / DAY) : 0,
  };
}

/**
 * Where a query reads items from: the live rows, or each item as it stood at an instant (its
 * version then, from the history the projection keeps). Both have the columns of `recommendations`;
 * the departments an item was held by are a table for the live rows and a column for versions.
 */
export interface ItemSource {
  relation: string;
  params: Record<string, unknown>;
  held: 'table' | 'column';
  /** For a past instant: nothing that happened after it counts. */
  until?: Date;
}

export const LIVE_ITEMS: ItemSource = { relation: 'recommendations', params: {}, held: 'table' };

/**
 * Runs `read` on `source` read once: the items of a past instant are copied into a temporary
 * table (one walk of the history), so a report's several queries read that copy instead of each
 * walking the history again. All of it in one read transaction: one snapshot. The live rows are
 * read as they are.
 */
export function readingOnce<T>(db: Database.Database, source: ItemSource, read: (source: ItemSource) => T): T {
  if (source.relation === LIVE_ITEMS.relation) return read(source);
  return db.transaction(() => {
    db.exec('DROP TABLE IF EXISTS temp.items_read_once');
    db.prepare(`CREATE TEMP TABLE items_read_once AS SELECT * FROM ${source.relation}`).run(source.params);
    db.exec('CREATE UNIQUE INDEX temp.items_read_once_id ON items_read_once (id)');
    try {
      return read({ ...source, relation: 'temp.items_read_once', params: {} });
    } finally {
      db.exec('DROP TABLE temp.items_read_once');
    }
  })();
}

/** Every item as it stood at `asOf`: an indexed read of the versions in force then, not a replay. */
export function itemsAsOf(asOf: Date): ItemSource {
  return {
    // One range of the history's primary key; the title is not here (see overdueReport).
    relation: `(SELECT v.id, v.status, v.commune, v.working_group, v.session_date, v.category, v.raised_at, v.department,
        v.assignment_no, v.assigned_at, v.due_at, v.due_ms, v.acknowledged_at, v.resolved_at, v.on_time, v.revision, v.held
      FROM recommendation_history v
      WHERE v.valid_to_ms > @asOfMs AND v.valid_from_ms <= @asOfMs)`,
    params: { asOfMs: asOf.getTime() },
    held: 'column',
    until: asOf,
  };
}

/**
 * The SQL condition and parameters that limit rows to what the caller may see: the domain's read
 * scope (`readScopeOf`), the same one a single item's read checks, turned into SQL.
 */
export function scopeCondition(
  actor: Actor,
  filters: { department?: string } = {},
  source: ItemSource = LIVE_ITEMS,
): { sql: string; params: Record<string, unknown> } {
  const scope = readScopeOf(actor);
  switch (scope.kind) {
    case 'everything':
      return { sql: '1 = 1', params: {} };
    case 'held-by-department': {
      // Items assigned to the caller now are in scope by definition: the inbox needs no lookup.
      if (filters.department !== undefined && filters.department === scope.department) return { sql: '1 = 1', params: {} };
      // Lead or coordinating, now or before: both involvements are probed by the table's key.
      const held =
        source.held === 'table'
          ? `EXISTS (SELECT 1 FROM recommendation_departments h
              WHERE h.department = @scopeDepartment AND h.involvement IN ('lead', 'coordinating') AND h.id = r.id)`
          : "instr(r.held, ',' || @scopeDepartment || ',') > 0";
      return { sql: held, params: { scopeDepartment: scope.department } };
    }
    case 'raised-by-commune':
      return { sql: 'r.commune = @scopeCommune', params: { scopeCommune: scope.commune } };
    case 'nothing':
      return { sql: '0 = 1', params: {} };
    default: {
      const unknownScope: never = scope;
      throw new Error(`unknown read scope ${JSON.stringify(unknownScope)}`);
    }
  }
}

/** Distinct words a search uses at most; beyond them a query only costs more, it finds no better. */
export const MAX_SEARCH_TERMS = 8;
/** Longer "words" are cut: no word of a title is this long. */
const MAX_TERM_LENGTH = 40;

/**
 * Full-text terms, each quoted, so that user input is never FTS5 syntax. Words the index would
 * see as the same (case, tone marks, đ) are merged, and only the first {@link MAX_SEARCH_TERMS}
 * distinct ones are kept, so a query of a hundred repeated words costs what one word costs.
 */
export function ftsQuery(q: string): string | null {
  const words = foldForSearch(q.slice(0, 1000)).match(/[\p{L}\p{M}\p{N}]+/gu) ?? [];
  const terms = new Map<string, string>();
  for (const word of words) {
    const term = word.slice(0, MAX_TERM_LENGTH);
    const key = term.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
    if (!terms.has(key)) terms.set(key, term);
    if (terms.size === MAX_SEARCH_TERMS) break;
  }
  return terms.size > 0 ? [...terms.values()].map((t) => `"${t}"`).join(' ') : null;
}

/**
 * `GET /recommendations`: filters, keyset pagination (a cursor names the last row seen, so pages
 * stay stable while items change), scope by role. Overdue is decided here against `now`.
 */
export function listRecommendations(db: Database.Database, actor: Actor, filters: ListFilters, now: Date) {
  const nowMs = now.getTime();
  const involved = filters.involvement ? involvedDepartment(actor, filters) : undefined;
  // An involvement of the caller's own department selects only items it held: in scope already.
  const scope = scopeCondition(actor, { department: filters.involvement ? involved : filters.department });
  const where = [scope.sql];
  const params: Record<string, unknown> = { ...scope.params, nowMs };
  const add = (sql: string, values: Record<string, unknown>) => {
    where.push(sql);
    Object.assign(params, values);
  };
  if (filters.status) add('r.status = @status', { status: filters.status });
  if (filters.involvement) {
    const department = involved === undefined ? '' : 'h.department = @involvedDepartment AND ';
    add(`EXISTS (SELECT 1 FROM recommendation_departments h WHERE ${department}h.involvement = @involvement AND h.id = r.id)`, {
      involvement: filters.involvement,
      involvedDepartment: involved,
    });
  } else if (filters.department) add('r.department = @department', { department: filters.department });
  if (filters.sessionId) add('r.session_id = @sessionId', { sessionId: filters.sessionId });
  if (filters.commune) add('r.commune = @commune', { commune: filters.commune });
  if (filters.workingGroup !== undefined) add('r.working_group = @workingGroup', { workingGroup: filters.workingGroup });
  if (filters.category) add('r.category = @category', { category: filters.category });
  if (filters.overdue === true) add("r.status = 'assigned' AND r.due_ms < @nowMs", {});
  if (filters.overdue === false) add("NOT (r.status = 'assigned' AND r.due_ms < @nowMs)", {});
  if (filters.q !== undefined) {
    const match = ftsQuery(filters.q);
    if (match === null) add('0 = 1', {});
    else add('r.id IN (SELECT id FROM recommendations_fts WHERE recommendations_fts MATCH @match)', { match });
  }
  const filtered = where.join(' AND ');
  const total = (db.prepare(`SELECT count(*) AS n FROM recommendations r WHERE ${filtered}`).get(params) as { n: number }).n;

  const limit = Math.min(Math.max(filters.limit ?? 50, 1), 500);
  const byDue = filters.sort === 'dueAt';
  const page = [filtered];
  if (filters.cursor) {
    const cursor = decodeCursor(filters.cursor);
    if (byDue) {
      page.push('(r.due_ms > @cursorValue OR (r.due_ms = @cursorValue AND r.id > @cursorId))');
    } else {
      page.push('(r.raised_at < @cursorValue OR (r.raised_at = @cursorValue AND r.id < @cursorId))');
    }
    Object.assign(params, { cursorValue: cursor.v, cursorId: cursor.id });
  }
  // Items without a due date carry the largest due_ms, so they come last without a sort step.
  const order = byDue ? 'r.due_ms, r.id' : 'r.raised_at DESC, r.id DESC';
  const rows = db
    .prepare(`SELECT r.* FROM recommendations r WHERE ${page.join(' AND ')} ORDER BY ${order} LIMIT @limitPlusOne`)
    .all({ ...params, limitPlusOne: limit + 1 }) as RecommendationRow[];
  const more = rows.length > limit;
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  const nextCursor = more && last ? encodeCursor({ v: byDue ? last.due_ms : last.raised_at, id: last.id }) : null;
  return { items: items.map((row) => toListItem(row, nowMs)), nextCursor, total };
}

export interface Cursor {
  v: string | number | null;
  id: string;
}

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

export function decodeCursor(text: string): Cursor {
  try {
    const cursor = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as Cursor;
    const valueOk = cursor.v === null || typeof cursor.v === 'string' || typeof cursor.v === 'number';
    if (!valueOk || typeof cursor.id !== 'string') throw new Error('shape');
    return cursor;
  } catch {
    throw new InvalidCursorError('cursor is not one this service returned');
  }
}

/**
 * Whose involvement `?involvement=` asks about: the department named, else the caller's own when
 * it is a department; none (any department's) for other callers naming none.
 */
function involvedDepartment(actor: Actor, filters: ListFilters): string | undefined {
  if (filters.department) return filters.department;
  const scope = readScopeOf(actor);
  return scope.kind === 'held-by-department' ? scope.department : undefined;
}

/**
 * The items on which a department is lead or coordinating on the open assignment now, by id: what
 * a merger of departments moves (one TransferAssignment each, which moves either).
 */
export function openInvolvements(db: Database.Database, department: string): string[] {
  return (
    db
      .prepare(
        `SELECT id FROM recommendations WHERE department = @department AND status = 'assigned'
         UNION
         SELECT c.id FROM coordination c JOIN recommendations r ON r.id = c.id
         WHERE c.department = @department AND c.ended_at IS NULL AND r.status = 'assigned' AND r.assignment_no = c.assignment_no
         ORDER BY id`,
      )
      .all({ department }) as Array<{ id: string }>
  ).map((r) => r.id);
}
