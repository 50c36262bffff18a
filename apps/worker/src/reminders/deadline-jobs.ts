import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { AppConfig, CLOCK, parseDuration, type Clock } from '@app/common';
import {
  coordinationEscalationJobId,
  coordinationReminderJobId,
  escalationJobId,
  explanationReminderJobId,
  nextCoordinationEscalation,
  nextEscalation,
  parseLeads,
  planCoordination,
  planDeadline,
  planExplanation,
  QueueName,
  reminderJobId,
  type CoordinationDeadline,
  type Deadline,
  type ExplanationDeadline,
  type Lead,
  type PlanOptions,
  type PlannedJob,
} from '@app/reminders';
import { DEFAULT_JOB_OPTIONS } from './job-options';

/** Adds and removes the delayed jobs of due dates on the deadlines queue, with deterministic ids. */
@Injectable()
export class DeadlineJobs {
  readonly leads: Lead[];
  readonly escalationEveryMs: number;

  constructor(
    @InjectQueue(QueueName.Deadlines) readonly queue: Queue,
    @Inject(AppConfig) config: AppConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    this.leads = parseLeads(config.REMINDER_LEADS);
    this.escalationEveryMs = parseDuration(config.ESCALATION_EVERY);
  }

  /** Plans the reminders and the first escalation of a new due date. */
  async schedule(deadline: Deadline): Promise<void> {
    for (const job of planDeadline(deadline, this.leads)) await this.add(job);
  }

  /** Plans the reminders and the first escalation (after `options.escalationLevel`) of a coordinating department's due date. */
  async scheduleCoordination(
    deadline: CoordinationDeadline,
    options: Pick<PlanOptions, 'alreadySent' | 'escalationLevel'> = {},
  ): Promise<void> {
    const planned = planCoordination(deadline, this.leads, { ...options, escalationEveryMs: this.escalationEveryMs });
    for (const job of planned) await this.add(job);
  }

  /** Plans the reminders of an explanation's due date (it has no escalations). */
  async scheduleExplanation(deadline: ExplanationDeadline): Promise<void> {
    for (const job of planExplanation(deadline, this.leads)) await this.add(job);
  }

  /** The next escalation after `level` of a coordinating department's due date, while it has not contributed. */
  async scheduleNextCoordinationEscalation(
    target: { recommendationId: string; assignmentNo: number; department: string; dueAt: string },
    level: number,
  ): Promise<void> {
    await this.add(nextCoordinationEscalation(target, level + 1, this.escalationEveryMs));
  }

  /** The next escalation after `level`, while the item stays open. */
  async scheduleNextEscalation(
    target: { recommendationId: string; assignmentNo: number; dueAt: string },
    level: number,
  ): Promise<void> {
    await this.add(nextEscalation(target, level + 1, this.escalationEveryMs));
  }

  /**
   * Ensures one planned job is in Redis as planned: adds it when missing, replaces it when it was
   * planned for another due date or failed (its tries spent, or stalled too often: see
   * RECOVER_PROMPTLY); a completed one for the same due date already ran.
   */
  async ensure(job: PlannedJob): Promise<'kept' | 'added'> {
    const existing = await this.queue.getJob(job.jobId);
    if (existing) {
      const state = await existing.getState();
      const sameDue = Date.parse(String(existing.data?.dueAt)) === Date.parse(job.payload.dueAt);
      if (sameDue && state !== 'failed' && state !== 'unknown') return 'kept';
      await existing.remove().catch(() => undefined);
    }
    await this.add(job);
    return 'added';
  }

  async add(job: PlannedJob): Promise<void> {
    const delay = Math.max(0, job.at - this.clock.now().getTime());
    const added = await this.queue.add(job.name, job.payload, { ...DEFAULT_JOB_OPTIONS, jobId: job.jobId, delay });
    // The id was still taken by the job of an older due date (running, so it could not be removed):
    // try again shortly rather than wait for the periodic reconcile.
    if (Date.parse(String(added.data?.dueAt)) !== Date.parse(job.payload.dueAt)) {
      setTimeout(() => void this.ensure(job).catch(() => undefined), 2000).unref();
    }
  }

  /**
   * Removes the jobs of an assignment that became stale (resolved, returned, extended). A job
   * already running cannot be removed; it will find the item changed and do nothing. The same
   * holds for the removals below.
   */
  async removeAssignment(recommendationId: string, assignmentNo: number, escalationsUpTo: number): Promise<void> {
    const ids = [
      ...this.leads.map((lead) => reminderJobId(recommendationId, assignmentNo, lead.label)),
      ...Array.from({ length: escalationsUpTo + 1 }, (_, i) => escalationJobId(recommendationId, assignmentNo, i + 1)),
    ];
    await this.removeIds(ids);
  }

  /** Removes the jobs of a coordinating department's part that became stale (contributed, moved, the assignment ended). */
  async removeCoordination(
    recommendationId: string,
    assignmentNo: number,
    department: string,
    escalationsUpTo: number,
  ): Promise<void> {
    await this.removeIds([
      ...this.leads.map((lead) => coordinationReminderJobId(recommendationId, assignmentNo, department, lead.label)),
      ...Array.from({ length: escalationsUpTo + 1 }, (_, i) =>
        coordinationEscalationJobId(recommendationId, assignmentNo, department, i + 1),
      ),
    ]);
  }

  /** Removes the reminders of an explanation that was given. */
  async removeExplanation(recommendationId: string, explanationNo: number): Promise<void> {
    await this.removeIds(this.leads.map((lead) => explanationReminderJobId(recommendationId, explanationNo, lead.label)));
  }

  private async removeIds(ids: string[]): Promise<void> {
    await Promise.all(ids.map((id) => this.queue.remove(id).catch(() => 0)));
  }
}
