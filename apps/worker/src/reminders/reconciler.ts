import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from 'pino';
import { AppConfig, LOGGER } from '@app/common';
import { RecommendationStream } from '@app/application';
import { ReadModelReader } from '@app/read-models';
import { deliveriesWithoutOutcome, upcastStored } from '@app/recommendations';
import { isChannel, noticeOf, planDeadline } from '@app/reminders';
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

export interface ReconcileResult {
  /** Open assignments looked at, and deadline jobs added back or replaced. */
  checked: number;
  added: number;
  /** Items with deliveries that had no outcome yet, and deliveries enqueued again. */
  itemsAwaitingDelivery: number;
  redelivered: number;
}

/**
 * Makes Redis hold every job that the log calls for. Deadlines: missing jobs of the open
 * assignments are added again with the same ids (those due in the past fire at once), ones planned
 * for an old due date or failed for good are replaced; reminders and escalations already recorded
 * are not planned again, so a Redis that lost everything recovers without a second notice.
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
    const { checked, added } = await this.deadlines();
    const { itemsAwaitingDelivery, redelivered } = await this.deliveries();
    const result = { checked, added, itemsAwaitingDelivery, redelivered };
    if (added > 0 || redelivered > 0) this.logger.info(result, 'reconciled reminder jobs');
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
      for (const job of planned) if ((await this.jobs.ensure(job)) === 'added') added++;
    }
    return { checked: rows.length, added };
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
