import type Database from 'better-sqlite3';
import type { RecordedEvent } from '@app/event-store';
import { RECOMMENDATION_STREAM_PREFIX, upcastStored, type RecommendationEvent } from '@app/recommendations';
import type { RecommendationRow } from '../queries/list-recommendations';
import type { Projection } from './projection';

/** `valid_to_ms` of a version still in force. */
export const OPEN_ENDED = Number.MAX_SAFE_INTEGER;

/** What of an item changes over its life, as it stood during one interval of the log's time. */
type Version = Pick<
  RecommendationRow,
  | 'id'
  | 'commune'
  | 'working_group'
  | 'session_date'
  | 'category'
  | 'raised_at'
  | 'status'
  | 'department'
  | 'assignment_no'
  | 'assigned_at'
  | 'due_at'
  | 'due_ms'
  | 'acknowledged_at'
  | 'resolved_at'
  | 'on_time'
  | 'revision'
> & {
  position: number;
  valid_from_ms: number;
  /** Every department that held the item by then, lead or coordinating, as `,a,b,` (what a department's read scope looks at). */
  held: string;
};

/** An item without an assignment: raised, accepted, or returned. */
const UNASSIGNED = {
  department: null,
  assignment_no: null,
  assigned_at: null,
  due_at: null,
  due_ms: OPEN_ENDED,
  acknowledged_at: null,
} as const;

const MAX_CACHED = 20_000;

/**
 * The history of every item: one row per event with the item's changing fields as they stood
 * from that event's time (its `occurredAt`, the log's own time) until the next event's. What never
 * changes after raising (commune, category, title…) stays in `recommendations`. An `asOf` report
 * reads the versions valid at that instant instead of replaying the log. Written in the same
 * transaction as the other projections, rebuilt with them; applying an event twice changes nothing.
 */
export class RecommendationHistoryProjection implements Projection {
  readonly name = 'recommendation-history';
  readonly version = 3;
  private s!: Record<'insert' | 'remove' | 'current', Database.Statement<unknown[]>>;
  /** The version in force of recently changed items, so most events need no read. */
  private readonly current = new Map<string, Version>();
  /**
   * Versions made in this batch, written at its end: one that is opened and closed within the batch
   * is inserted once with its end, instead of inserted and then updated (rebuilds apply thousands
   * of events per batch). `closes` holds the stored version each item's first new one ends.
   *
   * A version that ends at the instant it began (two events of one item at the same moment) is
   * in force at no instant: it is not kept, so the history holds what an `asOf` can see.
   */
  private readonly made = new Map<string, Array<Version & { valid_to_ms: number }>>();
  private readonly closes = new Map<string, { version: Version; at: number }>();

  prepare(db: Database.Database): void {
    this.current.clear();
    this.s = {
      insert: db.prepare(
        `INSERT OR IGNORE INTO recommendation_history (valid_to_ms, valid_from_ms, id, position, commune, working_group,
           session_date, category, raised_at, status, department, assignment_no, assigned_at, due_at, due_ms, acknowledged_at,
           resolved_at, on_time, revision, held)
         VALUES (@valid_to_ms, @valid_from_ms, @id, @position, @commune, @working_group, @session_date, @category, @raised_at,
           @status, @department, @assignment_no, @assigned_at, @due_at, @due_ms, @acknowledged_at, @resolved_at, @on_time,
           @revision, @held)`,
      ),
      // Closing a version moves it in the table's order (its end is part of the key): out, then in again.
      remove: db.prepare(
        `DELETE FROM recommendation_history WHERE valid_to_ms = ${OPEN_ENDED} AND valid_from_ms = ? AND id = ? AND position = ?`,
      ),
      current: db.prepare(
        `SELECT * FROM recommendation_history WHERE id = ? AND valid_to_ms = ${OPEN_ENDED} ORDER BY position DESC LIMIT 1`,
      ),
    };
  }

  apply(recorded: RecordedEvent): void {
    if (!recorded.stream.startsWith(RECOMMENDATION_STREAM_PREFIX)) return;
    const id = recorded.stream.slice(RECOMMENDATION_STREAM_PREFIX.length);
    const position = Number(recorded.position);
    const previous = this.versionInForce(id);
    if (previous && previous.position >= position) return;
    const event = upcastStored(recorded);
    // Times within one item never go back: a clock that did is read as "at the same moment".
    const occurred = Date.parse(String(recorded.metadata.occurredAt));
    const from = Math.max(Number.isNaN(occurred) ? 0 : occurred, previous?.valid_from_ms ?? 0);
    const next = nextVersion(previous, event, { id, position, from, revision: Number(recorded.revision) });
    if (!next) return;
    const made = this.made.get(id) ?? [];
    const last = made[made.length - 1];
    if (last && last.valid_from_ms === from) made.pop();
    else if (last) last.valid_to_ms = from;
    else if (previous) this.closes.set(id, { version: previous, at: from });
    made.push({ ...next, valid_to_ms: OPEN_ENDED });
    this.made.set(id, made);
    this.remember(next);
  }

  endBatch(): void {
    for (const { version, at } of this.closes.values()) {
      this.s.remove.run(version.valid_from_ms, version.id, version.position);
      if (at > version.valid_from_ms) this.s.insert.run({ ...version, valid_to_ms: at });
    }
    for (const versions of this.made.values()) for (const version of versions) this.s.insert.run(version);
    this.closes.clear();
    this.made.clear();
  }

  private versionInForce(id: string): Version | null {
    const cached = this.current.get(id);
    if (cached) return cached;
    const row = this.s.current.get(id) as (Version & { valid_to_ms?: number }) | undefined;
    if (!row) return null;
    const { valid_to_ms: _open, ...version } = row;
    return version;
  }

  private remember(version: Version): void {
    this.current.delete(version.id);
    this.current.set(version.id, version);
    if (this.current.size > MAX_CACHED) this.current.delete(this.current.keys().next().value as string);
  }
}

/** The item's fields after `event`; null for an event before the item exists. */
function nextVersion(
  previous: Version | null,
  event: RecommendationEvent,
  at: { id: string; position: number; from: number; revision: number },
): Version | null {
  const base = { id: at.id, position: at.position, valid_from_ms: at.from, revision: at.revision };
  if (event.type === 'RecommendationRaised') {
    const d = event.data;
    return {
      ...base,
      ...UNASSIGNED,
      commune: d.commune,
      working_group: d.workingGroup ?? null,
      session_date: d.sessionDate ?? null,
      category: d.category,
      raised_at: d.raisedAt,
      status: 'raised',
      resolved_at: null,
      on_time: null,
      held: ',',
    };
  }
  if (!previous) return null;
  const same = { ...previous, ...base };
  switch (event.type) {
    case 'RecommendationAccepted':
      return { ...same, status: 'accepted' };
    case 'RecommendationDeclined':
      return { ...same, status: 'declined' };
    case 'RecommendationAssigned':
    case 'RecommendationReopened': {
      const d = event.data;
      return {
        ...same,
        status: 'assigned',
        department: d.department,
        assignment_no: d.assignmentNo,
        assigned_at: event.type === 'RecommendationAssigned' ? event.data.assignedAt : event.data.reopenedAt,
        due_at: d.dueAt,
        due_ms: Date.parse(d.dueAt),
        acknowledged_at: null,
        resolved_at: null,
        on_time: null,
        held: holding(same.held, [d.department]),
      };
    }
    case 'AssignmentReturned':
      return { ...same, ...UNASSIGNED, status: 'accepted' };
    case 'AssignmentAcknowledged':
      return { ...same, acknowledged_at: event.data.acknowledgedAt };
    case 'DeadlineExtended':
      return { ...same, due_at: event.data.dueAt, due_ms: Date.parse(event.data.dueAt) };
    case 'RecommendationResolved':
      return { ...same, status: 'resolved', resolved_at: event.data.resolvedAt, on_time: event.data.onTime ? 1 : 0 };
    case 'ProgressReported':
    case 'ExtensionRequested':
    case 'ReminderSent':
    case 'DeadlineEscalated':
    case 'AssignmentTransferred': {
      const to = event.data.department;
      return { ...same, department: to, held: holding(same.held, [to]) };
    }
    case 'RaisedInSession':
      return { ...same, working_group: event.data.workingGroup, session_date: event.data.sessionDate };
    case 'CoordinationRequested':
      return {
        ...same,
        held: holding(
          same.held,
          event.data.coordinating.map((c) => c.department),
        ),
      };
    case 'CoordinationTransferred':
      return { ...same, held: holding(same.held, [event.data.department]) };
    case 'NotificationDelivered':
    case 'NotificationFailed':
    case 'DocumentsAttached':
    case 'ContributionMade':
    case 'ExplanationRequested':
    case 'ExplanationGiven':
    case 'CoordinationReminderSent':
    case 'CoordinationEscalated':
    case 'ExplanationReminderSent':
      // Only the revision moves; the version still records it, so an item as of any instant has its revision then.
      // (Coordination and explanations carry their own times in their tables: reports of the past filter by them.)
      return same;
    default: {
      const unhandled: never = event;
      return unhandled;
    }
  }
}

/** `held` (`,a,b,`) with `departments` added, each once. */
function holding(held: string, departments: readonly string[]): string {
  return departments.reduce((all, d) => (all.includes(`,${d},`) ? all : `${all}${d},`), held);
}
