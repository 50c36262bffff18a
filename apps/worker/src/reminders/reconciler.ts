import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from 'pino';
import { AppConfig, LOGGER } from '@app/common';
import { RecommendationStream } from '@app/application';
import { ReadModelReader } from '@app/read-models';
import { deliveriesWithoutOutcome, upcastStored } from '@app/recommendations';
import { isChannel, noticeOf, planCoordination, planDeadline, planExplanation, type PlannedJob } from '@app/reminders';
import { DeadlineJobs } from './deadline-jobs';
import { Notifier } from './notifier';

interface OpenAssignment {
  id: string;
  assignment_no: number;
  due_at: string;
  due_set_at: string;
  reminders_sent: string;
  escalation_level: number;
}

/** A coordinating department's part still awaited, as the read model `coordination` holds it. */
interface OpenCoordination {
  id: string;
  assignment_no: number;
  department: string;
  due_at: string;
  due_set_at: string | null;
  reminders_sent: string;
  escalation_level: number;
}

/** An explanation not given yet, as the read model `explanations` holds it. */
interface PendingExplanation {
  id: string;
  explanation_no: number;
  due_at: string;
  requested_at: string;
  reminders_sent: string;
}

export interface ReconcileResult {
  /** Open assignments looked at, and jobs added back or replaced (of every kind of due date). */
  checked: number;
  added: number;
  /** Coordinating parts still awaited, and explanations not given yet, looked at. */
  coordinationChecked: number;
  explanationsChecked: number;
  /** Items with deliveries that had no outcome yet, and deliveries enqueued again. */
  itemsAwaitingDelivery: number;
  redelivered: number;
}

/**
 * Makes Redis hold every job that the log calls for. Deadlines (the lead's of each open
 * assignment, each coordinating department's not contributed yet, each explanation not given
 * yet): missing jobs are added again with the same ids (those due in the past fire at once), ones
 * planned for an old due date or failed for good are replaced; reminders and escalations already
 * recorded are not planned again, so a Redis that lost everything recovers without a second notice.
 * Deliveries: each channel of a notice without a recorded outcome is enqueued again, its notice
 * rebuilt from the log, so with the same delivery id and body.
 */
@Injectable()
export class Reconciler implements OnApplicationShutdown {
  private readonly readModels: ReadModelReader;
  private running: Promise<ReconcileResult> | null = null;

  constructor(
    private readonly jobs: DeadlineJobs,
    private readonly notifier: Notifier,
    private readonly streams: RecommendationStream,
    @Inject(AppConfig) config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.readModels = new ReadModelReader(config.DATA_DIR);
  }

  /** One pass at a time; a call during a pass waits for it. */
  reconcile(): Promise<ReconcileResult> {
    this.running ??= this.pass().finally(() => (this.running = null));
    return this.running;
  }

  /**
   * A pass that starts after the one running now, if any: for a job that failed for good after
   * the running pass may already have looked at it. Calls made meanwhile share that next pass.
   */
  reconcileAgain(): void {
    void (this.running ?? Promise.resolve())
      .catch(() => undefined)
      .then(() => this.reconcile())
      .catch((error: unknown) => this.logger.warn({ err: error }, 'reconcile failed; the next one retries'));
  }

  private async pass(): Promise<ReconcileResult> {
    const lead = await this.deadlines();
    const coordination = await this.coordination();
    const explanations = await this.explanations();
    const { itemsAwaitingDelivery, redelivered } = await this.deliveries();
    const result = {
      checked: lead.checked,
      added: lead.added + coordination.added + explanations.added,
      coordinationChecked: coordination.checked,
      explanationsChecked: explanations.checked,
      itemsAwaitingDelivery,
      redelivered,
    };
    if (result.added > 0 || redelivered > 0) this.logger.info(result, 'reconciled reminder jobs');
    return result;
  }

  private async deadlines(): Promise<{ checked: number; added: number }> {
    const rows = this.readModels
      .connection()
      .prepare(
        "SELECT id, assignment_no, due_at, due_set_at, reminders_sent, escalation_level FROM recommendations WHERE status = 'assigned'",
      )
      .all() as OpenAssignment[];
    let added = 0;
    for (const row of rows) {
      const deadline = {
        recommendationId: row.id,
        assignmentNo: row.assignment_no,
        dueAt: row.due_at,
        setAt: row.due_set_at ?? row.due_at,
      };
      const sent = row.reminders_sent.split(',');
      const planned = planDeadline(deadline, this.jobs.leads, {
        alreadySent: (lead) => sent.includes(lead),
        escalationLevel: row.escalation_level,
        escalationEveryMs: this.jobs.escalationEveryMs,
      });
      added += await this.ensureAll(planned);
    }
    return { checked: rows.length, added };
  }

  /** The parts of open assignments whose department has not contributed yet. */
  private async coordination(): Promise<{ checked: number; added: number }> {
    const rows = this.readModels
      .connection()
      .prepare(
        `SELECT c.id, c.assignment_no, c.department, c.due_at, c.due_set_at, c.reminders_sent, c.escalation_level
         FROM coordination c JOIN recommendations r ON r.id = c.id
         WHERE c.ended_at IS NULL AND c.contributed_at IS NULL AND r.status = 'assigned' AND r.assignment_no = c.assignment_no`,
      )
      .all() as OpenCoordination[];
    let added = 0;
    for (const row of rows) {
      const sent = sentLeads(row.reminders_sent);
      const planned = planCoordination(
        {
          recommendationId: row.id,
          assignmentNo: row.assignment_no,
          department: row.department,
          dueAt: row.due_at,
          setAt: row.due_set_at ?? row.due_at,
        },
        this.jobs.leads,
        {
          alreadySent: (lead) => sent.has(lead),
          escalationLevel: row.escalation_level,
          escalationEveryMs: this.jobs.escalationEveryMs,
        },
      );
      added += await this.ensureAll(planned);
    }
    return { checked: rows.length, added };
  }

  /** Explanations not given yet, on items their lead department can answer them on. */
  private async explanations(): Promise<{ checked: number; added: number }> {
    const rows = this.readModels
      .connection()
      .prepare(
        `SELECT e.id, e.explanation_no, e.due_at, e.requested_at, e.reminders_sent
         FROM explanations e JOIN recommendations r ON r.id = e.id
         WHERE e.answered_at IS NULL AND r.status IN ('assigned', 'resolved')`,
      )
      .all() as PendingExplanation[];
    let added = 0;
    for (const row of rows) {
      const sent = sentLeads(row.reminders_sent);
      const planned = planExplanation(
        { recommendationId: row.id, explanationNo: row.explanation_no, dueAt: row.due_at, setAt: row.requested_at },
        this.jobs.leads,
        { alreadySent: (lead) => sent.has(lead) },
      );
      added += await this.ensureAll(planned);
    }
    return { checked: rows.length, added };
  }

  private async ensureAll(planned: PlannedJob[]): Promise<number> {
    let added = 0;
    for (const job of planned) if ((await this.jobs.ensure(job)) === 'added') added++;
    return added;
  }

  /**
   * The read model points at the items with deliveries still owed; each item's own log then says
   * which, and what their notices said.
   */
  private async deliveries(): Promise<{ itemsAwaitingDelivery: number; redelivered: number }> {
    const items = this.readModels
      .connection()
      .prepare('SELECT id FROM pending_deliveries GROUP BY id ORDER BY min(position)')
      .all() as Array<{ id: string }>;
    let redelivered = 0;
    for (const { id } of items) {
      const { events, state } = await this.streams.load(id);
      if (state.status === 'none') continue;
      const logged = events.map((e) => ({
        id: e.id,
        event: upcastStored(e),
        schemaVersion: e.metadata.schemaVersion,
        causationId: e.metadata.causationId,
      }));
      for (const { notice, channel } of deliveriesWithoutOutcome(logged)) {
        if (!isChannel(channel)) continue;
        const added = await this.notifier.ensure(noticeOf(notice, state), channel, notice.event.data.assignmentNo);
        if (added === 'added') redelivered++;
      }
    }
    return { itemsAwaitingDelivery: items.length, redelivered };
  }

  onApplicationShutdown(): void {
    this.readModels.close();
  }
}

/** The leads of a `reminders_sent` column: comma-separated labels (`3d,1d,`), each possibly with `@<due date>`. */
export function sentLeads(column: string): Set<string> {
  return new Set(
    column
      .split(',')
      .map((entry) => entry.split('@')[0].trim())
      .filter(Boolean),
  );
}
