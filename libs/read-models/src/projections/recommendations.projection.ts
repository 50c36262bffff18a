import type Database from 'better-sqlite3';
import type { RecordedEvent } from '@app/event-store';
import {
  channelsOwed,
  deliveryClosed,
  RECOMMENDATION_STREAM_PREFIX,
  upcastStored,
  type AttachmentRef,
  type RecommendationEvent,
} from '@app/recommendations';
import { foldForSearch } from '../queries/search-text';
import type { Projection } from './projection';

type Statement = Database.Statement<unknown[]>;

/** How a coordinating part ended that a merger moved (or merged) into another department's. */
export const TRANSFERRED = 'transferred';

/**
 * One row per recommendation (what lists and reports filter on), the departments that held each
 * (as lead or coordinating), one row per resolution (on-time statistics survive reopening), the
 * coordinating departments' parts, the explanations required, the files each item cites, the
 * full-text index, and the deliveries of notices still without an outcome (what the reminder
 * reconcile re-enqueues). Every update is guarded by the event's position, so applying an event
 * twice changes nothing: the item's row moves first, and the other tables change only when it did.
 */
export class RecommendationsProjection implements Projection {
  readonly name = 'recommendations';
  readonly version = 4;
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
    | 'lead'
    | 'owe'
    | 'settle'
    | 'transfer'
    | 'session'
    | 'cite'
    | 'part'
    | 'endParts'
    | 'endPart'
    | 'movePart'
    | 'openPart'
    | 'contribute'
    | 'partReminded'
    | 'partEscalated'
    | 'explain'
    | 'explained'
    | 'explanationReminded',
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
      held: db.prepare('INSERT OR IGNORE INTO recommendation_departments (id, department, involvement) VALUES (?, ?, ?)'),
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
      lead: db.prepare('SELECT department FROM recommendations WHERE id = ?'),
      owe: db.prepare('INSERT OR IGNORE INTO pending_deliveries (notice_id, channel, id, position) VALUES (?, ?, ?, ?)'),
      settle: db.prepare('DELETE FROM pending_deliveries WHERE notice_id = ? AND channel = ?'),
      session: db.prepare(
        `UPDATE recommendations SET session_id = @sessionId, working_group = @workingGroup, session_date = @sessionDate,
           revision = @revision, last_position = @position ${guard}`,
      ),
      cite: db.prepare('INSERT OR IGNORE INTO attachment_refs (attachment_id, id) VALUES (?, ?)'),
      part: db.prepare(
        `INSERT OR REPLACE INTO coordination (id, assignment_no, department, due_at, due_ms, due_set_at, started_at)
         VALUES (@id, @assignmentNo, @department, @dueAt, @dueMs, @at, @at)`,
      ),
      endParts: db.prepare('UPDATE coordination SET ended_at = @at, end_reason = @reason WHERE id = @id AND ended_at IS NULL'),
      endPart: db.prepare(
        `UPDATE coordination SET ended_at = @at, end_reason = @reason
         WHERE id = @id AND assignment_no = @assignmentNo AND department = @department AND ended_at IS NULL`,
      ),
      // The part goes on under the department that took it over: same due date, contribution, reminders.
      movePart: db.prepare(
        `INSERT OR REPLACE INTO coordination (id, assignment_no, department, due_at, due_ms, due_set_at, started_at,
           contributed_at, reminders_sent, escalation_level)
         SELECT id, assignment_no, @to, due_at, due_ms, due_set_at, @at, contributed_at, reminders_sent, escalation_level
         FROM coordination WHERE id = @id AND assignment_no = @assignmentNo AND department = @department AND ended_at IS NULL`,
      ),
      openPart: db.prepare(
        'SELECT 1 FROM coordination WHERE id = @id AND assignment_no = @assignmentNo AND department = @department AND ended_at IS NULL',
      ),
      contribute: db.prepare(
        `UPDATE coordination SET contributed_at = coalesce(contributed_at, @at)
         WHERE id = @id AND assignment_no = @assignmentNo AND department = @department AND ended_at IS NULL`,
      ),
      partReminded: db.prepare(
        `UPDATE coordination SET reminders_sent = reminders_sent || @lead || ','
         WHERE id = @id AND assignment_no = @assignmentNo AND department = @department AND ended_at IS NULL`,
      ),
      partEscalated: db.prepare(
        `UPDATE coordination SET escalation_level = max(escalation_level, @level)
         WHERE id = @id AND assignment_no = @assignmentNo AND department = @department AND ended_at IS NULL`,
      ),
      explain: db.prepare(
        `INSERT OR IGNORE INTO explanations (id, explanation_no, assignment_no, department, requested_at, due_at, due_ms)
         VALUES (@id, @explanationNo, @assignmentNo, @department, @requestedAt, @dueAt, @dueMs)`,
      ),
      explained: db.prepare(
        `UPDATE explanations SET answered_at = @answeredAt, on_time = @onTime
         WHERE id = @id AND explanation_no = @explanationNo AND answered_at IS NULL`,
      ),
      explanationReminded: db.prepare(
        "UPDATE explanations SET reminders_sent = reminders_sent || @lead || ',' WHERE id = @id AND explanation_no = @explanationNo",
      ),
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
        if (this.s.returned.run(at).changes > 0) this.endParts(id, event.data.returnedAt, 'returned');
        return;
      case 'RecommendationDeclined':
        this.s.status.run({ ...at, status: 'declined' });
        return;
      case 'RecommendationAssigned':
      case 'RecommendationReopened': {
        const d = event.data;
        const assignedAt = event.type === 'RecommendationAssigned' ? event.data.assignedAt : event.data.reopenedAt;
        this.s.held.run(id, d.department, 'lead');
        const assigned = this.s.assign.run({
          ...at,
          department: d.department,
          assignmentNo: d.assignmentNo,
          assignedAt,
          dueAt: d.dueAt,
          dueMs: Date.parse(d.dueAt),
        });
        // Parts of an earlier assignment end with it; none should still be open, but a new one ends them.
        if (assigned.changes > 0) this.endParts(id, assignedAt, 'reassigned');
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
        if (this.s.resolve.run({ ...at, resolvedAt: d.resolvedAt, onTime }).changes > 0)
          this.endParts(id, d.resolvedAt, 'resolved');
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
      case 'AssignmentTransferred': {
        const d = event.data;
        this.s.held.run(id, d.department, 'lead');
        // A lead that moves to one of the coordinating departments takes that part over.
        if (this.s.transfer.run({ ...at, department: d.department }).changes > 0)
          this.s.endPart.run({
            id,
            assignmentNo: d.assignmentNo,
            department: d.department,
            at: d.transferredAt,
            reason: TRANSFERRED,
          });
        return;
      }
      case 'ProgressReported':
      case 'ExtensionRequested':
        // Only revision and position change: one write per item per batch is enough.
        this.touches.set(id, at);
        return;
      case 'RaisedInSession': {
        const d = event.data;
        this.s.session.run({ ...at, sessionId: d.sessionId, workingGroup: d.workingGroup, sessionDate: d.sessionDate });
        return;
      }
      case 'DocumentsAttached':
        if (this.advanced(at)) this.cite(id, event.data.attachments);
        return;
      case 'CoordinationRequested': {
        const d = event.data;
        for (const part of d.coordinating) this.s.held.run(id, part.department, 'coordinating');
        if (!this.advanced(at)) return;
        for (const part of d.coordinating)
          this.s.part.run({
            id,
            assignmentNo: d.assignmentNo,
            department: part.department,
            dueAt: part.dueAt,
            dueMs: Date.parse(part.dueAt),
            at: d.requestedAt,
          });
        return;
      }
      case 'ContributionMade': {
        const d = event.data;
        if (!this.advanced(at)) return;
        this.s.contribute.run({ id, assignmentNo: d.assignmentNo, department: d.department, at: d.contributedAt });
        this.cite(id, d.attachments);
        return;
      }
      case 'CoordinationTransferred': {
        const d = event.data;
        if (!this.advanced(at)) return;
        const part = { id, assignmentNo: d.assignmentNo, department: d.fromDepartment };
        // Into a department already on the assignment (the lead, or coordinating too), the part merges with its own.
        const lead = this.s.lead.get(id) as { department: string | null } | undefined;
        const onAssignment =
          lead?.department === d.department || this.s.openPart.get({ ...part, department: d.department }) !== undefined;
        if (!onAssignment) {
          this.s.held.run(id, d.department, 'coordinating');
          this.s.movePart.run({ ...part, to: d.department, at: d.transferredAt });
        }
        this.s.endPart.run({ ...part, at: d.transferredAt, reason: TRANSFERRED });
        return;
      }
      case 'CoordinationReminderSent': {
        const d = event.data;
        this.owe(recorded, event, at);
        if (this.advanced(at))
          this.s.partReminded.run({ id, assignmentNo: d.assignmentNo, department: d.department, lead: d.lead });
        return;
      }
      case 'CoordinationEscalated': {
        const d = event.data;
        this.owe(recorded, event, at);
        if (this.advanced(at))
          this.s.partEscalated.run({ id, assignmentNo: d.assignmentNo, department: d.department, level: d.level });
        return;
      }
      case 'ExplanationRequested': {
        const d = event.data;
        if (!this.advanced(at)) return;
        this.s.explain.run({
          id,
          explanationNo: d.explanationNo,
          assignmentNo: d.assignmentNo,
          department: d.department,
          requestedAt: d.requestedAt,
          dueAt: d.dueAt,
          dueMs: Date.parse(d.dueAt),
        });
        return;
      }
      case 'ExplanationGiven': {
        const d = event.data;
        if (!this.advanced(at)) return;
        this.s.explained.run({ id, explanationNo: d.explanationNo, answeredAt: d.answeredAt, onTime: d.onTime ? 1 : 0 });
        this.cite(id, d.attachments);
        return;
      }
      case 'ExplanationReminderSent': {
        const d = event.data;
        this.owe(recorded, event, at);
        if (this.advanced(at)) this.s.explanationReminded.run({ id, explanationNo: d.explanationNo, lead: d.lead });
        return;
      }
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

  /** Moves the item's revision and position now; false when the event was applied already (nothing else to do). */
  private advanced(at: { id: string; position: number; revision: number }): boolean {
    return this.s.touch.run(at).changes > 0;
  }

  private endParts(id: string, at: string, reason: string): void {
    this.s.endParts.run({ id, at, reason });
  }

  private cite(id: string, attachments: readonly AttachmentRef[]): void {
    for (const file of attachments) this.s.cite.run(file.id, id);
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
