import type Database from 'better-sqlite3';
import type { Actor } from '@app/recommendations';
import { scopeCondition, toListItem, type ListItem, type RecommendationRow } from './list-recommendations';

export type OverdueGroupBy = 'department' | 'commune' | 'workingGroup' | 'category';

const DAY = 86_400_000;
const COLUMN: Record<OverdueGroupBy, keyof RecommendationRow> = {
  department: 'department',
  commune: 'commune',
  workingGroup: 'working_group',
  category: 'category',
};

/** `GET /reports/overdue`: assigned items past their due date at `now`, grouped, oldest due first. */
export function overdueReport(db: Database.Database, actor: Actor, groupBy: OverdueGroupBy, now: Date) {
  const scope = scopeCondition(actor);
  const rows = db
    .prepare(
      `SELECT r.* FROM recommendations r WHERE ${scope.sql} AND r.status = 'assigned' AND r.due_ms < @nowMs ORDER BY r.due_ms, r.id`,
    )
    .all({ ...scope.params, nowMs: now.getTime() }) as RecommendationRow[];
  const groups = new Map<string, { key: string; count: number; oldestDueAt: string | null; items: ListItem[] }>();
  for (const row of rows) {
    const key = String(row[COLUMN[groupBy]] ?? '(none)');
    const group = groups.get(key) ?? { key, count: 0, oldestDueAt: row.due_at, items: [] };
    group.count += 1;
    group.items.push(toListItem(row, now.getTime()));
    groups.set(key, group);
  }
  const sorted = [...groups.values()].sort((a, b) => b.count - a.count || a.key.localeCompare(b.key));
  return { asOf: now.toISOString(), groupBy, total: rows.length, groups: sorted };
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
}

/**
 * `GET /reports/summary`: items raised in the period by current status, and per department the
 * open and overdue items now, the resolutions made in the period (on time or not, median days from
 * assignment to resolution), and how long open items have been waiting (ageing from assignment).
 */
export function summaryReport(db: Database.Database, actor: Actor, period: { from?: Date; to?: Date }, now: Date) {
  const scope = scopeCondition(actor);
  const from = period.from?.toISOString() ?? '0000';
  const to = period.to?.toISOString() ?? '9999';
  const byStatus = Object.fromEntries(
    (
      db
        .prepare(
          `SELECT status, count(*) AS n FROM recommendations r WHERE ${scope.sql} AND r.raised_at >= @from AND r.raised_at <= @to GROUP BY status`,
        )
        .all({ ...scope.params, from, to }) as Array<{ status: string; n: number }>
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
        durations: [],
      };
      departments.set(department, f);
    }
    return f;
  };
  const nowMs = now.getTime();
  const open = db
    .prepare(`SELECT r.department, r.due_ms, r.assigned_at FROM recommendations r WHERE ${scope.sql} AND r.status = 'assigned'`)
    .all(scope.params) as Array<{ department: string; due_ms: number; assigned_at: string }>;
  for (const row of open) {
    const f = figures(row.department);
    f.open += 1;
    if (row.due_ms < nowMs) f.overdue += 1;
    const days = Math.floor((nowMs - Date.parse(row.assigned_at)) / DAY);
    f.ageing[days <= 7 ? '0-7' : days <= 30 ? '8-30' : days <= 90 ? '31-90' : '>90'] += 1;
  }
  const resolutions = db
    .prepare(
      `SELECT s.department, s.assigned_at, s.resolved_at, s.on_time FROM resolutions s JOIN recommendations r ON r.id = s.id
       WHERE ${scope.sql} AND s.department IS NOT NULL AND s.resolved_at >= @from AND s.resolved_at <= @to`,
    )
    .all({ ...scope.params, from, to }) as Array<{
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
  };
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
