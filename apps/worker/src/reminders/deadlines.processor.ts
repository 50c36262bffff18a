import { Processor } from '@nestjs/bullmq';
import { Inject } from '@nestjs/common';
import type { Job } from 'bullmq';
import type { Logger } from 'pino';
import { CLOCK, LOGGER, type Clock } from '@app/common';
import { deterministicUuid } from '@app/event-store';
import { RecommendationCommands, RecommendationStream, type CommandInput } from '@app/application';
import { DomainError, ErrorCodes, type Actor } from '@app/recommendations';
import { JobName, QueueName, type JobPayloads, type Notice } from '@app/reminders';
import { DeadlineJobs } from './deadline-jobs';
import { Notifier } from './notifier';
import { KEEP_FINISHED } from './job-options';
import { TypedProcessor, type Handlers } from './typed-processor';

/** Jobs processed at once: their appends then share the event store's group commits. */
export const DEADLINES_CONCURRENCY = 20;

/** The service itself, as the actor of the events it records on its own. */
export const SYSTEM_ACTOR: Actor = { sub: 'system:reminders', name: 'Reminder scheduler', role: 'system' };

/**
 * Fires reminders and escalations. Each job re-reads the item: only if it is still assigned, on
 * the same assignment and due date, does it record the event — with an id derived from the job,
 * so running a job twice records once — and then hands the notice to the notifier.
 */
@Processor(QueueName.Deadlines, { concurrency: DEADLINES_CONCURRENCY, ...KEEP_FINISHED })
export class DeadlinesProcessor extends TypedProcessor {
  readonly queueName = QueueName.Deadlines;
  readonly handlers: Handlers = {
    [JobName.Reminder]: (job) => this.remind(job),
    [JobName.Escalation]: (job) => this.escalate(job),
  };

  constructor(
    private readonly commands: RecommendationCommands,
    private readonly streams: RecommendationStream,
    private readonly jobs: DeadlineJobs,
    private readonly notifier: Notifier,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    super();
  }

  private async remind(job: Job<JobPayloads[JobName.Reminder]>): Promise<string> {
    const { recommendationId, assignmentNo, dueAt, lead } = job.data;
    const seed = `reminder-${recommendationId}-${assignmentNo}-${lead}-${Date.parse(dueAt)}`;
    const target = await this.current(recommendationId, assignmentNo, dueAt);
    if (!target) return 'stale';
    const channels = this.notifier.channelsFor(target.department);
    const command: CommandInput = {
      type: 'SendReminder',
      recommendationId,
      assignmentNo,
      lead,
      dueAt: target.dueAt,
      channels,
    };
    if (!(await this.record(command, job, seed))) return 'stale';
    await this.notifier.enqueue(this.notice('ReminderSent', seed, target, { lead }), channels, assignmentNo);
    return 'sent';
  }

  private async escalate(job: Job<JobPayloads[JobName.Escalation]>): Promise<string> {
    const { recommendationId, assignmentNo, dueAt, level } = job.data;
    const seed = `escalation-${recommendationId}-${assignmentNo}-${level}-${Date.parse(dueAt)}`;
    const target = await this.current(recommendationId, assignmentNo, dueAt);
    if (!target) return 'stale';
    const now = this.clock.now();
    // A delayed job may wake a moment early; the domain refuses to escalate before the due date.
    if (now.getTime() < Date.parse(dueAt)) throw new Error(`escalation ${level} woke before the due date ${dueAt}`);
    const command: CommandInput = {
      type: 'EscalateDeadline',
      recommendationId,
      assignmentNo,
      level,
      dueAt: target.dueAt,
    };
    if (!(await this.record(command, job, seed, now))) return 'stale';
    const daysOverdue = Math.floor((now.getTime() - Date.parse(dueAt)) / 86_400_000);
    await this.notifier.enqueue(
      this.notice('DeadlineEscalated', seed, target, { level, daysOverdue }),
      this.notifier.channelsFor(target.department),
      assignmentNo,
    );
    await this.jobs.scheduleNextEscalation({ recommendationId, assignmentNo, dueAt }, level);
    return 'escalated';
  }

  /** The item's current assignment if the job still applies to it. */
  private async current(id: string, assignmentNo: number, dueAt: string) {
    const { state } = await this.streams.current(id);
    if (state.status !== 'assigned') return null;
    const a = state.assignment;
    if (a.assignmentNo !== assignmentNo || Date.parse(a.dueAt) !== Date.parse(dueAt)) return null;
    return { id, title: state.title, commune: state.commune, department: a.department, dueAt: a.dueAt };
  }

  /** Records the event once; false when the domain finds the notice stale (already sent, moved). */
  private async record(command: CommandInput, job: Job, seed: string, now?: Date): Promise<boolean> {
    try {
      await this.commands.execute(command, SYSTEM_ACTOR, {
        now,
        correlationId: String(job.id),
        causationId: String(job.id),
        idSeed: seed,
      });
      return true;
    } catch (error) {
      if (error instanceof DomainError && error.code === ErrorCodes.staleNotice) {
        this.logger.debug({ job: job.id, reason: error.message }, 'stale deadline job');
        return false;
      }
      throw error;
    }
  }

  private notice(
    kind: Notice['kind'],
    seed: string,
    target: { id: string; title: string; commune: string; department: string; dueAt: string },
    extra: Partial<Notice>,
  ): Notice {
    const { department, ...recommendation } = target;
    return {
      kind,
      eventId: deterministicUuid(`${seed}:0`),
      department,
      occurredAt: this.clock.now().toISOString(),
      recommendation,
      ...extra,
    };
  }
}
