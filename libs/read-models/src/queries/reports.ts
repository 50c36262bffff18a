import type Database from 'better-sqlite3';
import type { Actor } from '@app/recommendations';
import {
  decodeCursor,
  encodeCursor,
  LIVE_ITEMS,
  readingOnce,
  scopeCondition,
  type ItemSource,
  toListItem,
  type ListItem,
  type RecommendationRow,
} from './list-recommendations';
import { TRANSFERRED } from '../projections/recommendations.projection';

export type OverdueGroupBy = 'department' | 'commune' | 'workingGroup' | 'category';

const DAY = 86_400_000;
const COLUMN: Record<OverdueGroupBy, keyof RecommendationRow> = {
  department: 'department',
  commune: 'commune',
  workingGroup: 'working_group',
  category: 'category',
};

/** How many items each group of the overdue report lists per page, unless asked otherwise. */
export const OVERDUE_ITEMS_PER_GROUP = 50;
export const MAX_OVERDUE_ITEMS_PER_GROUP = 500;

export interface OverduePage {
  /** Items listed per group (default {@link OVERDUE_ITEMS_PER_GROUP}). */
  limit?: number;
  /** Only this group (its key as the report names it), from `cursor` on. */
  group?: string;
  cursor?: string;
}

interface OverdueGroup {
  key: string;
  count: number;
  oldestDueAt: string | null;
  items: ListItem[];
  /** Where the group's next page starts (`?group=<key>&cursor=`); null when every item is listed. */
  nextCursor: string | null;
}

const NO_KEY = '(none)';
/** What an overdue item lists, but its title. */
const LISTED_COLUMNS = [
  'id',
  'revision',
  'status',
  'commune',
  'working_group',
  'category',
  'raised_at',
  'department',
  'assigned_at',
  'acknowledged_at',
  'due_at',
  'due_ms',
  'resolved_at',
]
  .map((c) => `r.${c}`)
  .join(', ');

/**
 * `GET /reports/overdue`: assigned items past their due date at `now`, grouped, oldest due first.
 * Each group counts all its items and lists a page of them, so a province with ten thousand
 * overdue items answers in a bounded body; `group` and `cursor` page through one group.
 */
export function overdueReport(
  db: Database.Database,
  actor: Actor,
  groupBy: OverdueGroupBy,
  now: Date,
  page: OverduePage = {},
  source: ItemSource = LIVE_ITEMS,
) {
  return readingOnce(db, source, (items) => overdueFrom(db, actor, groupBy, now, page, items));
}

function overdueFrom(
  db: Database.Database,
  actor: Actor,
  groupBy: OverdueGroupBy,
  now: Date,
  page: OverduePage,
  source: ItemSource,
) {
  const scope = scopeCondition(actor, {}, source);
  const column = `r.${COLUMN[groupBy]}`;
  const limit = Math.min(Math.max(page.limit ?? OVERDUE_ITEMS_PER_GROUP, 1), MAX_OVERDUE_ITEMS_PER_GROUP);
  const where = [scope.sql, "r.status = 'assigned'", 'r.due_ms < @nowMs'];
  const params: Record<string, unknown> = { ...source.params, ...scope.params, nowMs: now.getTime(), limitPlusOne: limit + 1 };
  if (page.group !== undefined) {
    where.push(page.group === NO_KEY ? `${column} IS NULL` : `CAST(${column} AS TEXT) = @group`);
    params.group = page.group;
  }
  const counts = db
    .prepare(
      `SELECT ${column} AS key, count(*) AS n, min(r.due_ms) AS oldest, r.due_at AS oldestDueAt FROM ${source.relation} r WHERE ${where.join(' AND ')} GROUP BY ${column}`,
    )
    .all(params) as Array<{ key: string | number | null; n: number; oldestDueAt: string | null }>;
  const paged = [...where];
  if (page.cursor !== undefined) {
    const cursor = decodeCursor(page.cursor);
    paged.push('(r.due_ms > @cursorValue OR (r.due_ms = @cursorValue AND r.id > @cursorId))');
    Object.assign(params, { cursorValue: cursor.v, cursorId: cursor.id });
  }
  // The title is joined for the listed items only: an item's history does not repeat it.
  const rows = db
    .prepare(
      `SELECT p.*, c.title, c.session_id FROM (SELECT * FROM (SELECT ${LISTED_COLUMNS}, row_number() OVER (PARTITION BY ${column} ORDER BY r.due_ms, r.id) AS rank
         FROM ${source.relation} r WHERE ${paged.join(' AND ')}) WHERE rank <= @limitPlusOne) p
       JOIN recommendations c ON c.id = p.id ORDER BY p.due_ms, p.id`,
    )
    .all(params) as Array<RecommendationRow & { rank: number }>;
  const keyOf = (value: unknown) => (value === null || value === undefined ? NO_KEY : String(value));
  const groups = new Map<string, OverdueGroup>(
    // SQLite takes the bare column oldestDueAt from the row that holds the group's min(due_ms).
    counts.map(({ key, n, oldestDueAt }) => [
      keyOf(key),
      { key: keyOf(key), count: n, oldestDueAt, items: [], nextCursor: null },
    ]),
  );
  const lastDueMs = new Map<string, number>();
  for (const row of rows) {
    const group = groups.get(keyOf(row[COLUMN[groupBy]]));
    if (!group) continue;
    if (row.rank > limit) {
      const last = group.items[group.items.length - 1];
      group.nextCursor = encodeCursor({ v: lastDueMs.get(group.key) ?? null, id: last.id });
      continue;
    }
    lastDueMs.set(group.key, row.due_ms);
    group.items.push(toListItem(row, now.getTime()));
  }
  const sorted = [...groups.values()].sort((a, b) => b.count - a.count || a.key.localeCompare(b.key));
  const total = counts.reduce((sum, c) => sum + c.n, 0);
  return { asOf: now.toISOString(), groupBy, total, groups: sorted };
}

export interface DepartmentFigures {
  department: string;
  open: number;
  overdue: number;
  resolved: number;
  resolvedOnTime: number;
  onTimeRate: number | null;
  medianDaysToResolve: number | null;
  ageing: Record<'0-7' | '8-30' | '31-90' | '>90', number>;
  /** Explanations owed by the department (requested, not answered), and those of them past their due date. */
  explanationsPending: number;
  explanationsLate: number;
}

/** A coordinating department's parts: requested, contributed by their due date or after it, missing. */
export interface CoordinationFigures {
  department: string;
  due: number;
  contributed: number;
  contributedLate: number;
  missing: number;
}

export interface ExplanationFigures {
  pending: number;
  late: number;
  answered: number;
  answeredLate: number;
}

/**
 * `GET /reports/summary`: items raised in the period by current status, and per department the
 * open and overdue items now, the resolutions made in the period (on time or not, median days from
 * assignment to resolution), and how long open items have been waiting (ageing from assignment).
 * An item counts for its lead department. Coordination is counted apart, per coordinating
 * department, over the parts requested in the period; explanations pending and late as of now,
 * answered in the period. Every figure is as of `now` (a report of the past passes its instant):
 * the coordination and explanation rows carry their times, so what happened after does not count.
 */
export function summaryReport(
  db: Database.Database,
  actor: Actor,
  period: { from?: Date; to?: Date },
  now: Date,
  source: ItemSource = LIVE_ITEMS,
) {
  return readingOnce(db, source, (items) => summaryFrom(db, actor, period, now, items));
}

function summaryFrom(db: Database.Database, actor: Actor, period: { from?: Date; to?: Date }, now: Date, source: ItemSource) {
  const scope = scopeCondition(actor, {}, source);
  const from = period.from?.toISOString() ?? '0000';
  const periodEnd =
    period.to && source.until ? new Date(Math.min(period.to.getTime(), source.until.getTime())) : (period.to ?? source.until);
  const to = periodEnd?.toISOString() ?? '9999';
  const items = source.relation;
  const params = { ...source.params, ...scope.params };
  const byStatus = Object.fromEntries(
    (
      db
        .prepare(
          `SELECT status, count(*) AS n FROM ${items} r WHERE ${scope.sql} AND r.raised_at >= @from AND r.raised_at <= @to GROUP BY status`,
        )
        .all({ ...params, from, to }) as Array<{ status: string; n: number }>
    ).map((r) => [r.status, r.n]),
  );
  const departments = new Map<string, DepartmentFigures & { durations: number[] }>();
  const figures = (department: string) => {
    let f = departments.get(department);
    if (!f) {
      f = {
        department,
        open: 0,
        overdue: 0,
        resolved: 0,
        resolvedOnTime: 0,
        onTimeRate: null,
        medianDaysToResolve: null,
        ageing: { '0-7': 0, '8-30': 0, '31-90': 0, '>90': 0 },
        explanationsPending: 0,
        explanationsLate: 0,
        durations: [],
      };
      departments.set(department, f);
    }
    return f;
  };
  const nowMs = now.getTime();
  const open = db
    .prepare(`SELECT r.department, r.due_ms, r.assigned_at FROM ${items} r WHERE ${scope.sql} AND r.status = 'assigned'`)
    .all(params) as Array<{ department: string; due_ms: number; assigned_at: string }>;
  for (const row of open) {
    const f = figures(row.department);
    f.open += 1;
    if (row.due_ms < nowMs) f.overdue += 1;
    const days = Math.floor((nowMs - Date.parse(row.assigned_at)) / DAY);
    f.ageing[days <= 7 ? '0-7' : days <= 30 ? '8-30' : days <= 90 ? '31-90' : '>90'] += 1;
  }
  const resolutions = db
    .prepare(
      `SELECT s.department, s.assigned_at, s.resolved_at, s.on_time FROM resolutions s JOIN ${items} r ON r.id = s.id
       WHERE ${scope.sql} AND s.department IS NOT NULL AND s.resolved_at >= @from AND s.resolved_at <= @to`,
    )
    .all({ ...params, from, to }) as Array<{
    department: string;
    assigned_at: string;
    resolved_at: string;
    on_time: number;
  }>;
  for (const row of resolutions) {
    const f = figures(row.department);
    f.resolved += 1;
    f.resolvedOnTime += row.on_time;
    f.durations.push((Date.parse(row.resolved_at) - Date.parse(row.assigned_at)) / DAY);
  }
  const window = {
    fromMs: period.from?.getTime() ?? -Infinity,
    toMs: periodEnd?.getTime() ?? Infinity,
    nowMs,
  };
  const explanations = explanationFigures(db, items, scope.sql, params, window, (department) => figures(department));
  const coordination = coordinationFigures(db, items, scope.sql, params, window);
  const perDepartment = [...departments.values()]
    .sort((a, b) => a.department.localeCompare(b.department))
    .map(({ durations, ...f }) => ({
      ...f,
      onTimeRate: f.resolved > 0 ? round(f.resolvedOnTime / f.resolved, 4) : null,
      medianDaysToResolve: durations.length > 0 ? round(median(durations), 1) : null,
    }));
  const resolved = perDepartment.reduce((n, f) => n + f.resolved, 0);
  const resolvedOnTime = perDepartment.reduce((n, f) => n + f.resolvedOnTime, 0);
  return {
    asOf: now.toISOString(),
    from: period.from?.toISOString() ?? null,
    to: period.to?.toISOString() ?? null,
    totals: {
      byStatus,
      open: perDepartment.reduce((n, f) => n + f.open, 0),
      overdue: perDepartment.reduce((n, f) => n + f.overdue, 0),
      resolved,
      resolvedOnTime,
      onTimeRate: resolved > 0 ? round(resolvedOnTime / resolved, 4) : null,
    },
    departments: perDepartment,
    coordination,
    explanations,
  };
}

/** Where a summary's times fall: the period (inclusive) and the instant it is as of. */
interface ReportWindow {
  fromMs: number;
  toMs: number;
  nowMs: number;
}

const at = (iso: string | null): number | null => (iso === null ? null : Date.parse(iso));

/**
 * Explanations of the items in scope as they stood at `nowMs`: pending (requested by then, not
 * answered by then) and late (pending past their due date), counted for the department that owes
 * the answer — the item's lead then, or the one asked when the item has none; answered (and
 * answered late) when the answer came in the period.
 */
function explanationFigures(
  db: Database.Database,
  items: string,
  scope: string,
  params: Record<string, unknown>,
  window: ReportWindow,
  owing: (department: string) => { explanationsPending: number; explanationsLate: number },
): ExplanationFigures {
  const rows = db
    .prepare(
      `SELECT CASE WHEN r.assignment_no = e.assignment_no AND r.department IS NOT NULL THEN r.department ELSE e.department END
         AS department, e.requested_at, e.due_ms, e.answered_at, e.on_time
       FROM explanations e JOIN ${items} r ON r.id = e.id WHERE ${scope}`,
    )
    .all(params) as Array<{
    department: string;
    requested_at: string;
    due_ms: number;
    answered_at: string | null;
    on_time: number | null;
  }>;
  const totals: ExplanationFigures = { pending: 0, late: 0, answered: 0, answeredLate: 0 };
  for (const row of rows) {
    if (Date.parse(row.requested_at) > window.nowMs) continue;
    const answeredMs = at(row.answered_at);
    if (answeredMs === null || answeredMs > window.nowMs) {
      const f = owing(row.department);
      totals.pending += 1;
      f.explanationsPending += 1;
      if (row.due_ms < window.nowMs) {
        totals.late += 1;
        f.explanationsLate += 1;
      }
    } else if (answeredMs >= window.fromMs && answeredMs <= window.toMs) {
      totals.answered += 1;
      if (row.on_time === 0) totals.answeredLate += 1;
    }
  }
  return totals;
}

/**
 * The coordinating parts of the items in scope requested in the period, per department, as they
 * stood at `nowMs`: contributed by their due date, after it, or missing (none yet and past due, or
 * the assignment ended without it). A part a merger moved away counts, from then on, only for the
 * department that took it over.
 */
function coordinationFigures(
  db: Database.Database,
  items: string,
  scope: string,
  params: Record<string, unknown>,
  window: ReportWindow,
): CoordinationFigures[] {
  const rows = db
    .prepare(
      `SELECT c.department, c.due_ms, c.due_set_at, c.started_at, c.contributed_at, c.ended_at, c.end_reason
       FROM coordination c JOIN ${items} r ON r.id = c.id WHERE ${scope}`,
    )
    .all(params) as Array<{
    department: string;
    due_ms: number;
    due_set_at: string;
    started_at: string;
    contributed_at: string | null;
    ended_at: string | null;
    end_reason: string | null;
  }>;
  const byDepartment = new Map<string, CoordinationFigures>();
  for (const row of rows) {
    if (Date.parse(row.started_at) > window.nowMs) continue;
    const requestedMs = Date.parse(row.due_set_at);
    if (requestedMs < window.fromMs || requestedMs > window.toMs) continue;
    const endedMs = at(row.ended_at);
    const ended = endedMs !== null && endedMs <= window.nowMs;
    if (ended && row.end_reason === TRANSFERRED) continue;
    let f = byDepartment.get(row.department);
    if (!f) {
      f = { department: row.department, due: 0, contributed: 0, contributedLate: 0, missing: 0 };
      byDepartment.set(row.department, f);
    }
    f.due += 1;
    const contributedMs = at(row.contributed_at);
    if (contributedMs !== null && contributedMs <= window.nowMs) {
      if (contributedMs <= row.due_ms) f.contributed += 1;
      else f.contributedLate += 1;
    } else if (ended || row.due_ms < window.nowMs) {
      f.missing += 1;
    }
  }
  return [...byDepartment.values()].sort((a, b) => a.department.localeCompare(b.department));
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
