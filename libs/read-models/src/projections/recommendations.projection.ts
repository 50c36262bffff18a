import type Database from 'better-sqlite3';
import type { RecordedEvent } from '@app/event-store';
import {
  channelsOwed,
  deliveryClosed,
  RECOMMENDATION_STREAM_PREFIX,
  upcastStored,
  type RecommendationEvent,
} from '@app/recommendations';
import { foldForSearch } from '../queries/search-text';
import type { Projection } from './projection';

type Statement = Database.Statement<unknown[]>;

/**
 * One row per recommendation (what lists and reports filter on), the departments that held each,
 * one row per resolution (on-time statistics survive reopening), the full-text index, and the
 * deliveries of notices still without an outcome (what the reminder reconcile re-enqueues).
 * Every update is guarded by the event's position, so applying an event twice changes nothing.
 */
export class RecommendationsProjection implements Projection {
  readonly name = 'recommendations';
  readonly version = 3;
  private s!: Record<
    | 'insert'
    | 'fts'
    | 'status'
    | 'returned'
    | 'reminded'
    | 'escalated'
    | 'assign'
    | 'ack'
    | 'extend'
    | 'resolve'
    | 'resolution'
    | 'held'
    | 'touch'
    | 'row'
    | 'owe'
    | 'settle'
    | 'transfer',
    Statement
  >;

  private readonly touches = new Map<string, { id: string; position: number; revision: number }>();

  prepare(db: Database.Database): void {
    const guard = 'WHERE id = @id AND last_position < @position';
    this.s = {
      insert: db.prepare(
        `INSERT OR IGNORE INTO recommendations (id, status, commune, working_group, session_date, category, title, raised_at, raised_by, revision, last_position)
         VALUES (@id, 'raised', @commune, @workingGroup, @sessionDate, @category, @title, @raisedAt, @raisedBy, @revision, @position)`,
      ),
      fts: db.prepare('INSERT INTO recommendations_fts (id, title, description) VALUES (?, ?, ?)'),
      status: db.prepare(`UPDATE recommendations SET status = @status, revision = @revision, last_position = @position ${guard}`),
      assign: db.prepare(
        `UPDATE recommendations SET status = 'assigned', department = @department, assignment_no = @assignmentNo, assigned_at = @assignedAt,
           due_at = @dueAt, due_ms = @dueMs, due_set_at = @assignedAt, reminders_sent = '', escalation_level = 0,
           acknowledged_at = NULL, resolved_at = NULL, on_time = NULL, revision = @revision, last_position = @position ${guard}`,
      ),
      returned: db.prepare(
        `UPDATE recommendations SET status = 'accepted', department = NULL, assignment_no = NULL, assigned_at = NULL, due_at = NULL,
           due_ms = DEFAULT_DUE_MS, acknowledged_at = NULL, revision = @revision, last_position = @position ${guard}`.replace(
          'DEFAULT_DUE_MS',
          String(Number.MAX_SAFE_INTEGER),
        ),
      ),
      ack: db.prepare(
        `UPDATE recommendations SET acknowledged_at = @at, revision = @revision, last_position = @position ${guard}`,
      ),
      extend: db.prepare(
        `UPDATE recommendations SET due_at = @dueAt, due_ms = @dueMs, due_set_at = @extendedAt, reminders_sent = '', escalation_level = 0,
           revision = @revision, last_position = @position ${guard}`,
      ),
      resolve: db.prepare(
        `UPDATE recommendations SET status = 'resolved', resolved_at = @resolvedAt, on_time = @onTime, revision = @revision, last_position = @position ${guard}`,
      ),
      resolution: db.prepare(
        `INSERT OR IGNORE INTO resolutions (id, position, department, assignment_no, assigned_at, raised_at, due_at, resolved_at, on_time)
         SELECT @id, @position, @department, @assignmentNo, CASE WHEN @department IS NULL THEN NULL ELSE assigned_at END, raised_at, @dueAt, @resolvedAt, @onTime
         FROM recommendations WHERE id = @id`,
      ),
      held: db.prepare('INSERT OR IGNORE INTO recommendation_departments (id, department) VALUES (?, ?)'),
      reminded: db.prepare(
        `UPDATE recommendations SET reminders_sent = reminders_sent || @lead || ',', revision = @revision, last_position = @position ${guard}`,
      ),
      escalated: db.prepare(
        `UPDATE recommendations SET escalation_level = max(escalation_level, @level), revision = @revision, last_position = @position ${guard}`,
      ),
      touch: db.prepare(`UPDATE recommendations SET revision = @revision, last_position = @position ${guard}`),
      transfer: db.prepare(
        `UPDATE recommendations SET department = @department, revision = @revision, last_position = @position ${guard}`,
      ),
      row: db.prepare('SELECT last_position FROM recommendations WHERE id = ?'),
      owe: db.prepare('INSERT OR IGNORE INTO pending_deliveries (notice_id, channel, id, position) VALUES (?, ?, ?, ?)'),
      settle: db.prepare('DELETE FROM pending_deliveries WHERE notice_id = ? AND channel = ?'),
    };
  }

  apply(recorded: RecordedEvent): void {
    if (!recorded.stream.startsWith(RECOMMENDATION_STREAM_PREFIX)) return;
    const id = recorded.stream.slice(RECOMMENDATION_STREAM_PREFIX.length);
    const at = { id, position: Number(recorded.position), revision: Number(recorded.revision) };
    const event = upcastStored(recorded);
    switch (event.type) {
      case 'RecommendationRaised': {
        const d = event.data;
        const inserted = this.s.insert.run({
          ...at,
          commune: d.commune,
          workingGroup: d.workingGroup,
          sessionDate: d.sessionDate,
          category: d.category,
          title: d.title,
          raisedAt: d.raisedAt,
          raisedBy: d.raisedBy,
        });
        // Title and description never change after raising: index them once, with the row.
        if (inserted.changes > 0) this.s.fts.run(id, foldForSearch(d.title), foldForSearch(d.description));
        return;
      }
      case 'RecommendationAccepted':
        this.s.status.run({ ...at, status: 'accepted' });
        return;
      case 'AssignmentReturned':
        this.s.returned.run(at);
        return;
      case 'RecommendationDeclined':
        this.s.status.run({ ...at, status: 'declined' });
        return;
      case 'RecommendationAssigned':
      case 'RecommendationReopened': {
        const d = event.data;
        const assignedAt = event.type === 'RecommendationAssigned' ? event.data.assignedAt : event.data.reopenedAt;
        this.s.held.run(id, d.department);
        this.s.assign.run({
          ...at,
          department: d.department,
          assignmentNo: d.assignmentNo,
          assignedAt,
          dueAt: d.dueAt,
          dueMs: Date.parse(d.dueAt),
        });
        return;
      }
      case 'AssignmentAcknowledged':
        this.s.ack.run({ ...at, at: event.data.acknowledgedAt });
        return;
      case 'DeadlineExtended':
        this.s.extend.run({
          ...at,
          dueAt: event.data.dueAt,
          dueMs: Date.parse(event.data.dueAt),
          extendedAt: event.data.extendedAt,
        });
        return;
      case 'RecommendationResolved': {
        const d = event.data;
        const onTime = d.onTime ? 1 : 0;
        if (this.isNewer(at))
          this.s.resolution.run({
            ...at,
            department: d.department,
            assignmentNo: d.assignmentNo,
            dueAt: d.dueAt,
            resolvedAt: d.resolvedAt,
            onTime,
          });
        this.s.resolve.run({ ...at, resolvedAt: d.resolvedAt, onTime });
        return;
      }
      case 'ReminderSent':
        this.owe(recorded, event, at);
        this.s.reminded.run({ ...at, lead: event.data.lead });
        return;
      case 'DeadlineEscalated':
        this.owe(recorded, event, at);
        this.s.escalated.run({ ...at, level: event.data.level });
        return;
      case 'NotificationDelivered':
      case 'NotificationFailed': {
        const closed = deliveryClosed({
          id: recorded.id,
          event,
          schemaVersion: null,
          causationId: recorded.metadata.causationId,
        });
        if (closed) this.s.settle.run(closed.noticeId, closed.channel);
        this.touches.set(id, at);
        return;
      }
      case 'AssignmentTransferred':
        this.s.held.run(id, event.data.department);
        this.s.transfer.run({ ...at, department: event.data.department });
        return;
      case 'ProgressReported':
      case 'ExtensionRequested':
        // Only revision and position change: one write per item per batch is enough.
        this.touches.set(id, at);
        return;
      default: {
        const unhandled: never = event;
        return unhandled;
      }
    }
  }

  endBatch(): void {
    // Guarded by position like every update, so a later event already written is never undone.
    for (const at of this.touches.values()) this.s.touch.run(at);
    this.touches.clear();
  }

  /** A notice's deliveries, until their outcomes; not again when replayed after its outcomes were applied. */
  private owe(recorded: RecordedEvent, event: RecommendationEvent, at: { id: string; position: number }): void {
    const channels = channelsOwed({ id: recorded.id, event, schemaVersion: recorded.metadata.schemaVersion, causationId: null });
    if (channels.length === 0 || !this.isNewer(at)) return;
    for (const channel of channels) this.s.owe.run(recorded.id, channel, at.id, at.position);
  }

  private isNewer(at: { id: string; position: number }): boolean {
    const row = this.s.row.get(at.id) as { last_position: number } | undefined;
    return row !== undefined && row.last_position < at.position;
  }
}
