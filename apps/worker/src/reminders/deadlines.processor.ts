import { Processor } from '@nestjs/bullmq';
import { Inject } from '@nestjs/common';
import type { Job } from 'bullmq';
import type { Logger } from 'pino';
import { CLOCK, LOGGER, type Clock } from '@app/common';
import { deterministicUuid, type RecordedEvent } from '@app/event-store';
import { RecommendationCommands, RecommendationStream, type CommandInput } from '@app/application';
import {
  DomainError,
  ErrorCodes,
  isNotice,
  partAwaitingContribution,
  upcastStored,
  type Actor,
  type NoticeEvent,
} from '@app/recommendations';
import { isChannel, JobName, noticeOf, QueueName, type JobPayloads } from '@app/reminders';
import { DeadlineJobs } from './deadline-jobs';
import { Notifier } from './notifier';
import { KEEP_FINISHED, RECOVER_PROMPTLY } from './job-options';
import { TypedProcessor, type Handlers } from './typed-processor';

/** Jobs processed at once: their appends then share the event store's group commits. */
export const DEADLINES_CONCURRENCY = 20;

/** The service itself, as the actor of the events it records on its own. */
export const SYSTEM_ACTOR: Actor = { sub: 'system:reminders', name: 'Reminder scheduler', role: 'system' };

/** The id seed of a reminder's event: every run of the job records it under the same ids. */
export const reminderSeed = (p: JobPayloads[JobName.Reminder]) =>
  `reminder-${p.recommendationId}-${p.assignmentNo}-${p.lead}-${Date.parse(p.dueAt)}`;
export const escalationSeed = (p: JobPayloads[JobName.Escalation]) =>
  `escalation-${p.recommendationId}-${p.assignmentNo}-${p.level}-${Date.parse(p.dueAt)}`;
export const coordinationReminderSeed = (p: JobPayloads[JobName.CoordinationReminder]) =>
  `coordination-reminder-${p.recommendationId}-${p.assignmentNo}-${p.department}-${p.lead}-${Date.parse(p.dueAt)}`;
export const coordinationEscalationSeed = (p: JobPayloads[JobName.CoordinationEscalation]) =>
  `coordination-escalation-${p.recommendationId}-${p.assignmentNo}-${p.department}-${p.level}-${Date.parse(p.dueAt)}`;
export const explanationReminderSeed = (p: JobPayloads[JobName.ExplanationReminder]) =>
  `explanation-reminder-${p.recommendationId}-${p.explanationNo}-${p.lead}-${Date.parse(p.dueAt)}`;

/** The item a deadline job is about, as read when the job runs. */
interface Target {
  id: string;
  title: string;
  commune: string;
  department: string;
  dueAt: string;
}

/**
 * Fires reminders and escalations: of the lead's due date, of each coordinating department's own
 * due date, and of an explanation's. Each job re-reads the item: only if its due date still
 * applies (the same assignment and due date; a part not yet contributed; an explanation not yet
 * given) does it record the event — with an id derived from the job, so running a job twice
 * records once — and then hands the notice, built from the event as recorded, to the notifier:
 * the department the event names (the lead, or the coordinating department) is notified.
 */
@Processor(QueueName.Deadlines, { concurrency: DEADLINES_CONCURRENCY, ...KEEP_FINISHED, ...RECOVER_PROMPTLY })
export class DeadlinesProcessor extends TypedProcessor {
  readonly queueName = QueueName.Deadlines;
  readonly handlers: Handlers = {
    [JobName.Reminder]: (job) => this.remind(job),
    [JobName.Escalation]: (job) => this.escalate(job),
    [JobName.CoordinationReminder]: (job) => this.remindCoordinating(job),
    [JobName.CoordinationEscalation]: (job) => this.escalateCoordinating(job),
    [JobName.ExplanationReminder]: (job) => this.remindExplanation(job),
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
    const target = await this.current(recommendationId, assignmentNo, dueAt);
    return this.fire(job, recommendationId, reminderSeed(job.data), target, (t) => ({
      type: 'SendReminder',
      recommendationId,
      assignmentNo,
      lead,
      dueAt: t.dueAt,
      channels: this.notifier.channelsFor(t.department),
    }));
  }

  private async escalate(job: Job<JobPayloads[JobName.Escalation]>): Promise<string> {
    const { recommendationId, assignmentNo, dueAt, level } = job.data;
    const target = await this.current(recommendationId, assignmentNo, dueAt);
    const now = this.notEarly(target, dueAt, `escalation ${level}`);
    const fired = await this.fire(
      job,
      recommendationId,
      escalationSeed(job.data),
      target,
      (t) => ({
        type: 'EscalateDeadline',
        recommendationId,
        assignmentNo,
        level,
        dueAt: t.dueAt,
        channels: this.notifier.channelsFor(t.department),
      }),
      now,
    );
    if (fired !== 'sent') return fired;
    await this.jobs.scheduleNextEscalation({ recommendationId, assignmentNo, dueAt }, level);
    return 'escalated';
  }

  private async remindCoordinating(job: Job<JobPayloads[JobName.CoordinationReminder]>): Promise<string> {
    const { recommendationId, assignmentNo, department, dueAt, lead } = job.data;
    const target = await this.coordinating(recommendationId, assignmentNo, department, dueAt);
    return this.fire(job, recommendationId, coordinationReminderSeed(job.data), target, (t) => ({
      type: 'SendCoordinationReminder',
      recommendationId,
      assignmentNo,
      department,
      lead,
      dueAt: t.dueAt,
      channels: this.notifier.channelsFor(department),
    }));
  }

  private async escalateCoordinating(job: Job<JobPayloads[JobName.CoordinationEscalation]>): Promise<string> {
    const { recommendationId, assignmentNo, department, dueAt, level } = job.data;
    const target = await this.coordinating(recommendationId, assignmentNo, department, dueAt);
    const now = this.notEarly(target, dueAt, `coordination escalation ${level}`);
    const fired = await this.fire(
      job,
      recommendationId,
      coordinationEscalationSeed(job.data),
      target,
      (t) => ({
        type: 'EscalateCoordination',
        recommendationId,
        assignmentNo,
        department,
        level,
        dueAt: t.dueAt,
        channels: this.notifier.channelsFor(department),
      }),
      now,
    );
    if (fired !== 'sent') return fired;
    await this.jobs.scheduleNextCoordinationEscalation({ recommendationId, assignmentNo, department, dueAt }, level);
    return 'escalated';
  }

  /** Reminds the department an explanation was asked of; explanations are not escalated (see planExplanation). */
  private async remindExplanation(job: Job<JobPayloads[JobName.ExplanationReminder]>): Promise<string> {
    const { recommendationId, explanationNo, dueAt, lead } = job.data;
    const target = await this.explaining(recommendationId, explanationNo, dueAt);
    return this.fire(job, recommendationId, explanationReminderSeed(job.data), target, (t) => ({
      type: 'SendExplanationReminder',
      recommendationId,
      explanationNo,
      lead,
      dueAt: t.dueAt,
      channels: this.notifier.channelsFor(t.department),
    }));
  }

  /**
   * Records the notice a job calls for while its target still applies, and hands it to the
   * notifier: 'sent', or 'stale' (or 'sent before', when an earlier run recorded it) otherwise.
   */
  private async fire(
    job: Job,
    id: string,
    seed: string,
    target: Target | null,
    commandFor: (target: Target) => CommandInput & { recommendationId: string },
    now?: Date,
  ): Promise<string> {
    if (!target) return this.staleUnlessRecorded(id, seed);
    const notice = await this.record(commandFor(target), job, seed, now);
    if (!notice) return 'stale';
    await this.notify(notice, target);
    return 'sent';
  }

  /** The time an escalation is decided at; a delayed job may wake a moment early, and the domain refuses it then. */
  private notEarly(target: Target | null, dueAt: string, what: string): Date {
    const now = this.clock.now();
    if (target && now.getTime() < Date.parse(dueAt)) throw new Error(`${what} woke before the due date ${dueAt}`);
    return now;
  }

  /** A coordinating department's part if the job still applies to it: the same assignment and due date, not contributed yet. */
  private async coordinating(id: string, assignmentNo: number, department: string, dueAt: string): Promise<Target | null> {
    const { state } = await this.streams.current(id);
    if (state.status !== 'assigned') return null;
    const part = partAwaitingContribution(state.assignment, { assignmentNo, department, dueAt });
    if (!part) return null;
    return { id, title: state.title, commune: state.commune, department, dueAt: part.dueAt };
  }

  /**
   * The explanation if the job still applies to it: the same one, due at the same time, not given
   * yet; whom it reminds is the department it was asked of. Whether the item's status still lets it
   * be answered is the decider's to say (a stale notice), not this lookup's.
   */
  private async explaining(id: string, explanationNo: number, dueAt: string): Promise<Target | null> {
    const { state } = await this.streams.current(id);
    if (state.status === 'none') return null;
    const { explanation } = state;
    if (!explanation || explanation.explanationNo !== explanationNo || explanation.answeredAt !== null) return null;
    if (Date.parse(explanation.dueAt) !== Date.parse(dueAt)) return null;
    return { id, title: state.title, commune: state.commune, department: explanation.department, dueAt: explanation.dueAt };
  }

  /** The item's current assignment if the job still applies to it. */
  private async current(id: string, assignmentNo: number, dueAt: string): Promise<Target | null> {
    const { state } = await this.streams.current(id);
    if (state.status !== 'assigned') return null;
    const a = state.assignment;
    if (a.assignmentNo !== assignmentNo || Date.parse(a.dueAt) !== Date.parse(dueAt)) return null;
    return { id, title: state.title, commune: state.commune, department: a.department, dueAt: a.dueAt };
  }

  /**
   * Records the notice once and returns its event as the log holds it (a re-run finds the one its
   * first run recorded); null when the domain finds the notice stale (already sent, moved).
   */
  private async record(
    command: CommandInput & { recommendationId: string },
    job: Job,
    seed: string,
    now?: Date,
  ): Promise<{ id: string; event: NoticeEvent } | null> {
    try {
      await this.commands.execute(command, SYSTEM_ACTOR, {
        now,
        correlationId: String(job.id),
        causationId: String(job.id),
        idSeed: seed,
      });
    } catch (error) {
      if (error instanceof DomainError && error.code === ErrorCodes.staleNotice) {
        this.logger.debug({ job: job.id, reason: error.message }, 'stale deadline job');
        return null;
      }
      throw error;
    }
    // Read back rather than rebuilt here: the notice must say exactly what a reconcile would
    // rebuild from the log for the same delivery id, even on a re-run or a retried append.
    const notice = this.recordedNotice(await this.streams.load(command.recommendationId), seed);
    if (!notice) throw new Error(`the notice of job ${job.id} is not in the log`);
    return notice;
  }

  /**
   * A job that no longer applies may still have recorded its notice in an earlier run that died
   * before handing it to the notifier: its deliveries are owed all the same.
   */
  private async staleUnlessRecorded(id: string, seed: string): Promise<string> {
    const loaded = await this.streams.load(id);
    const notice = this.recordedNotice(loaded, seed);
    if (!notice || loaded.state.status === 'none') return 'stale';
    await this.notify(notice, loaded.state);
    return 'sent before';
  }

  /** The notice recorded with the ids of `seed`, if it is in the stream. */
  private recordedNotice(loaded: { events: RecordedEvent[] }, seed: string): { id: string; event: NoticeEvent } | null {
    const id = deterministicUuid(`${seed}:0`);
    const recorded = loaded.events.find((e) => e.id === id);
    const event = recorded && upcastStored(recorded);
    return event && isNotice(event) ? { id, event } : null;
  }

  private notify(
    notice: { id: string; event: NoticeEvent },
    target: { id: string; title: string; commune: string },
  ): Promise<void> {
    const { channels, assignmentNo } = notice.event.data;
    return this.notifier.enqueue(noticeOf(notice, target), channels.filter(isChannel), assignmentNo);
  }
}
