import type Database from 'better-sqlite3';
import { readScopeOf, type Actor } from '@app/recommendations';
import { scopeCondition, toListItem, type ListItem, type RecommendationRow } from './list-recommendations';

/** A recorded working session, as lists show it. */
export interface SessionRecord {
  id: string;
  workingGroup: number;
  /** The day it met, YYYY-MM-DD in the province. */
  date: string;
  communes: string[];
  place: string | null;
  leader: string | null;
  minutesRef: string | null;
}

/**
 * What became of the items raised at a session, among those the caller may read: raised (all of
 * them), open (raised, accepted or assigned), overdue (assigned and past due now), resolved.
 */
export interface SessionCounts {
  raised: number;
  open: number;
  overdue: number;
  resolved: number;
}

export type SessionItem = SessionRecord & { counts: SessionCounts };

export interface SessionFilters {
  workingGroup?: number;
  /** Sessions this commune took part in. */
  commune?: string;
  /** Sessions held on or after this day (YYYY-MM-DD). */
  from?: string;
  /** Sessions held on or before this day (YYYY-MM-DD). */
  to?: string;
}

interface SessionRow {
  id: string;
  working_group: number;
  date: string;
  communes: string;
  place: string | null;
  leader: string | null;
  minutes_ref: string | null;
}

/** At most this many sessions in one answer (a province holds a few hundred a year). */
export const MAX_SESSIONS_LISTED = 2000;

/**
 * Who sees a session itself: every role that reads items (its counts are then limited to the
 * items the caller may read), a commune only the sessions it took part in, and nobody else.
 */
export function sessionVisibleTo(actor: Actor, session: Pick<SessionRecord, 'communes'>): boolean {
  const scope = readScopeOf(actor);
  switch (scope.kind) {
    case 'everything':
    case 'held-by-department':
      return true;
    case 'raised-by-commune':
      return session.communes.includes(scope.commune);
    case 'nothing':
      return false;
    default: {
      const unknownScope: never = scope;
      throw new Error(`unknown read scope ${JSON.stringify(unknownScope)}`);
    }
  }
}

/** The same visibility in SQL, over `sessions s`. */
function visibleCondition(actor: Actor): { sql: string; params: Record<string, unknown> } {
  const scope = readScopeOf(actor);
  switch (scope.kind) {
    case 'everything':
    case 'held-by-department':
      return { sql: '1 = 1', params: {} };
    case 'raised-by-commune':
      return {
        sql: 'EXISTS (SELECT 1 FROM json_each(s.communes) j WHERE j.value = @visibleCommune)',
        params: { visibleCommune: scope.commune },
      };
    case 'nothing':
      return { sql: '0 = 1', params: {} };
    default: {
      const unknownScope: never = scope;
      throw new Error(`unknown read scope ${JSON.stringify(unknownScope)}`);
    }
  }
}

/** Counts of the items raised at each session (`s`) that the caller may read (`r`), as SQL. */
function countsSql(actor: Actor): { columns: string; join: string; params: Record<string, unknown> } {
  const scope = scopeCondition(actor);
  return {
    columns: `count(r.id) AS raised,
      coalesce(sum(r.status IN ('raised', 'accepted', 'assigned')), 0) AS open,
      coalesce(sum(r.status = 'assigned' AND r.due_ms < @nowMs), 0) AS overdue,
      coalesce(sum(r.status = 'resolved'), 0) AS resolved`,
    join: `LEFT JOIN recommendations r ON r.session_id = s.id AND (${scope.sql})`,
    params: scope.params,
  };
}

function toRecord(row: SessionRow): SessionRecord {
  return {
    id: row.id,
    workingGroup: row.working_group,
    date: row.date,
    communes: JSON.parse(row.communes) as string[],
    place: row.place,
    leader: row.leader,
    minutesRef: row.minutes_ref,
  };
}

function toItem(row: SessionRow & SessionCounts): SessionItem {
  return {
    ...toRecord(row),
    counts: { raised: row.raised, open: row.open, overdue: row.overdue, resolved: row.resolved },
  };
}

/**
 * `GET /sessions`: the sessions the caller may see, latest first, each with the counts of its
 * items in the caller's scope; overdue is decided against `now`.
 */
export function listSessions(db: Database.Database, actor: Actor, filters: SessionFilters, now: Date): { items: SessionItem[] } {
  const visible = visibleCondition(actor);
  const counts = countsSql(actor);
  const where = [visible.sql];
  const params: Record<string, unknown> = {
    ...visible.params,
    ...counts.params,
    nowMs: now.getTime(),
    limit: MAX_SESSIONS_LISTED,
  };
  if (filters.workingGroup !== undefined) {
    where.push('s.working_group = @workingGroup');
    params.workingGroup = filters.workingGroup;
  }
  if (filters.commune !== undefined) {
    where.push('EXISTS (SELECT 1 FROM json_each(s.communes) j WHERE j.value = @commune)');
    params.commune = filters.commune;
  }
  if (filters.from !== undefined) {
    where.push('s.date >= @from');
    params.from = filters.from;
  }
  if (filters.to !== undefined) {
    where.push('s.date <= @to');
    params.to = filters.to;
  }
  const rows = db
    .prepare(
      `SELECT s.*, ${counts.columns} FROM sessions s ${counts.join}
       WHERE ${where.join(' AND ')} GROUP BY s.id ORDER BY s.date DESC, s.working_group, s.id LIMIT @limit`,
    )
    .all(params) as Array<SessionRow & SessionCounts>;
  return { items: rows.map(toItem) };
}

/** The session recorded with this id, as the read model has it; null when it has none (yet). */
export function findSession(db: Database.Database, id: string): SessionRecord | null {
  const row = db.prepare('SELECT * FROM sessions WHERE id = ?').get(id) as SessionRow | undefined;
  return row ? toRecord(row) : null;
}

/**
 * `GET /sessions/:id` once the session is found and visible to the caller: the session, the counts
 * of its items in the caller's scope, and those items (as lists show them), in the order raised.
 */
export function sessionDetail(
  db: Database.Database,
  actor: Actor,
  session: SessionRecord,
  now: Date,
): SessionItem & { recommendations: ListItem[] } {
  const scope = scopeCondition(actor);
  const nowMs = now.getTime();
  const rows = db
    .prepare(`SELECT r.* FROM recommendations r WHERE r.session_id = @sessionId AND ${scope.sql} ORDER BY r.raised_at, r.id`)
    .all({ ...scope.params, sessionId: session.id }) as RecommendationRow[];
  const recommendations = rows.map((row) => toListItem(row, nowMs));
  // The same counts as the list's, from the same SQL; none while the read model has not the session yet.
  const counted = countsSql(actor);
  const counts = (db
    .prepare(`SELECT ${counted.columns} FROM sessions s ${counted.join} WHERE s.id = @sessionId GROUP BY s.id`)
    .get({ ...counted.params, sessionId: session.id, nowMs }) as SessionCounts | undefined) ?? {
    raised: 0,
    open: 0,
    overdue: 0,
    resolved: 0,
  };
  return { ...session, counts, recommendations };
}
