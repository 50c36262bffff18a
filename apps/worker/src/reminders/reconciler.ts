import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from 'pino';
import { AppConfig, LOGGER } from '@app/common';
import { ReadModelReader } from '@app/read-models';
import { planDeadline } from '@app/reminders';
import { DeadlineJobs } from './deadline-jobs';

interface OpenAssignment {
  id: string;
  assignment_no: number;
  due_at: string;
  due_set_at: string;
  reminders_sent: string;
  escalation_level: number;
}

/**
 * Makes Redis hold every job that the open assignments call for: missing ones are added again
 * with the same ids (those due in the past fire at once), ones planned for an old due date are
 * replaced. Reminders and escalations already recorded on the item are not planned again, so a
 * Redis that lost everything recovers without a second notice.
 */
@Injectable()
export class Reconciler implements OnApplicationShutdown {
  private readonly readModels: ReadModelReader;
  private running: Promise<{ checked: number; added: number }> | null = null;

  constructor(
    private readonly jobs: DeadlineJobs,
    @Inject(AppConfig) config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.readModels = new ReadModelReader(config.DATA_DIR);
  }

  /** One pass at a time; a call during a pass waits for it. */
  reconcile(): Promise<{ checked: number; added: number }> {
    this.running ??= this.pass().finally(() => (this.running = null));
    return this.running;
  }

  private async pass(): Promise<{ checked: number; added: number }> {
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
    if (added > 0) this.logger.info({ checked: rows.length, added }, 'reconciled deadline jobs');
    return { checked: rows.length, added };
  }

  onApplicationShutdown(): void {
    this.readModels.close();
  }
}
