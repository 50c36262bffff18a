import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from 'pino';
import { AppConfig, LOGGER } from '@app/common';
import { EVENT_STORE, type EventStore, type EventSubscription, type RecordedEvent } from '@app/event-store';
import { RECOMMENDATION_STREAM_PREFIX, reminderKey, upcastStored, type RecommendationEvent } from '@app/recommendations';
import { RecommendationStream } from '@app/application';
import { DeadlineJobs } from './deadline-jobs';
import { WorkerState } from './worker-state';

const CHECKPOINT = 'reminder-scheduler';
const CHECKPOINT_EVERY_MS = 250;

/**
 * Turns deadline facts from the log into delayed jobs: a subscription with its own checkpoint
 * (never an in-process publish after the append). The checkpoint moves only after Redis took the
 * jobs; while Redis is down the scheduler waits and retries, and commands are not affected.
 */
@Injectable()
export class ReminderScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private subscription: EventSubscription | null = null;
  private running: Promise<void> | null = null;
  private readonly state: WorkerState;
  private stopped = false;
  private position: bigint | null = null;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly jobs: DeadlineJobs,
    private readonly streams: RecommendationStream,
    @Inject(AppConfig) config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.state = new WorkerState(config.DATA_DIR);
  }

  async onApplicationBootstrap(): Promise<void> {
    // A first start follows the log from its head: the reconcile pass plans what is already open.
    const checkpoint = this.state.get(CHECKPOINT) ?? (await this.store.headPosition());
    this.state.set(CHECKPOINT, checkpoint);
    this.subscription = this.store.subscribe({ afterPosition: checkpoint });
    this.running = this.follow(this.subscription);
  }

  private async follow(subscription: EventSubscription): Promise<void> {
    try {
      let savedAt = 0;
      for await (const event of subscription) {
        await this.untilDone(() => this.handle(event));
        if (this.stopped) return;
        this.position = event.position;
        // Saving the checkpoint now and then is enough: replaying a few events re-adds the same job ids.
        if (Date.now() - savedAt > CHECKPOINT_EVERY_MS) {
          this.state.set(CHECKPOINT, event.position);
          savedAt = Date.now();
        }
      }
    } catch (error) {
      this.logger.error({ err: error }, 'reminder scheduler stopped');
    }
  }

  /** Retries a step that needs Redis until it succeeds or the scheduler stops. */
  private async untilDone(step: () => Promise<void>): Promise<void> {
    for (let attempt = 0; !this.stopped; attempt++) {
      try {
        await step();
        return;
      } catch (error) {
        if (attempt === 0) this.logger.warn({ err: error }, 'cannot schedule reminders now (is Redis down?); retrying');
        await new Promise((resolve) => setTimeout(resolve, Math.min(5000, 200 * 2 ** attempt)));
      }
    }
  }

  private async handle(recorded: RecordedEvent): Promise<void> {
    if (!recorded.stream.startsWith(RECOMMENDATION_STREAM_PREFIX)) return;
    const recommendationId = recorded.stream.slice(RECOMMENDATION_STREAM_PREFIX.length);
    const event = upcastStored(recorded);
    switch (event.type) {
      case 'RecommendationAssigned':
        return this.jobs.schedule({
          recommendationId,
          assignmentNo: event.data.assignmentNo,
          dueAt: event.data.dueAt,
          setAt: event.data.assignedAt,
        });
      case 'RecommendationReopened':
        // The resolved assignment's coordination ended with it (removed at the resolution; again
        // here, should a reconcile reading a lagging read model have planned some meanwhile). The
        // new assignment's coordinating departments come with the CoordinationRequested after this.
        await this.removeCoordination(recommendationId, event.data.assignmentNo - 1);
        return this.jobs.schedule({
          recommendationId,
          assignmentNo: event.data.assignmentNo,
          dueAt: event.data.dueAt,
          setAt: event.data.reopenedAt,
        });
      case 'DeadlineExtended':
        await this.removeStale(recommendationId, event.data.assignmentNo);
        return this.jobs.schedule({
          recommendationId,
          assignmentNo: event.data.assignmentNo,
          dueAt: event.data.dueAt,
          setAt: event.data.extendedAt,
        });
      case 'AssignmentReturned':
        return this.removeStale(recommendationId, event.data.assignmentNo, { withCoordination: true });
      case 'RecommendationResolved':
        if (event.data.assignmentNo !== null)
          await this.removeStale(recommendationId, event.data.assignmentNo, { withCoordination: true });
        return;
      case 'CoordinationRequested': {
        const { assignmentNo, requestedAt } = event.data;
        for (const part of event.data.coordinating) {
          await this.jobs.scheduleCoordination({
            recommendationId,
            assignmentNo,
            department: part.department,
            dueAt: part.dueAt,
            setAt: requestedAt,
          });
        }
        return;
      }
      case 'ContributionMade':
        return this.removeCoordination(recommendationId, event.data.assignmentNo, [event.data.department]);
      case 'CoordinationTransferred':
        await this.removeCoordination(recommendationId, event.data.assignmentNo, [event.data.fromDepartment]);
        return this.planMovedPart(recommendationId, event.data.assignmentNo, event.data.department);
      case 'AssignmentTransferred':
        // The lead's due date stays and its reminders read the department when they fire; but a lead
        // that moves into one of the coordinating departments takes that part over: its jobs are stale.
        return this.removeCoordination(recommendationId, event.data.assignmentNo, [event.data.department]);
      case 'ExplanationRequested':
        // Reminders only: see planExplanation for why an explanation is not escalated.
        return this.jobs.scheduleExplanation({
          recommendationId,
          explanationNo: event.data.explanationNo,
          dueAt: event.data.dueAt,
          setAt: event.data.requestedAt,
        });
      case 'ExplanationGiven':
        return this.jobs.removeExplanation(recommendationId, event.data.explanationNo);
      // No deadline moves with these; each is listed so that a new event type must be decided on here.
      case 'RecommendationRaised':
      case 'RecommendationAccepted':
      case 'RecommendationDeclined':
      case 'AssignmentAcknowledged':
      case 'ProgressReported':
      case 'ExtensionRequested':
      case 'ReminderSent':
      case 'DeadlineEscalated':
      case 'NotificationDelivered':
      case 'NotificationFailed':
      case 'RaisedInSession':
      case 'DocumentsAttached':
      case 'CoordinationReminderSent':
      case 'CoordinationEscalated':
      case 'ExplanationReminderSent':
        return;
      default: {
        const unhandled: never = event;
        throw new Error(`the reminder scheduler does not know ${(unhandled as { type: string }).type}`);
      }
    }
  }

  /**
   * Removes an assignment's reminders and every escalation level it may have reached; once the
   * assignment ended (returned, resolved), those of its coordinating departments too.
   */
  private async removeStale(
    recommendationId: string,
    assignmentNo: number,
    options: { withCoordination?: boolean } = {},
  ): Promise<void> {
    const events = await this.eventsOf(recommendationId);
    const escalations = events.filter((e) => e.type === 'DeadlineEscalated' && e.data.assignmentNo === assignmentNo).length;
    await this.jobs.removeAssignment(recommendationId, assignmentNo, escalations);
    if (options.withCoordination) await this.removeCoordinationOf(events, recommendationId, assignmentNo);
  }

  /** Removes the coordination jobs of an assignment: of the `departments` given, or of every department that coordinated it. */
  private async removeCoordination(recommendationId: string, assignmentNo: number, departments?: string[]): Promise<void> {
    await this.removeCoordinationOf(await this.eventsOf(recommendationId), recommendationId, assignmentNo, departments);
  }

  /**
   * Only departments that coordinated the assignment have jobs to remove. Escalation levels carry
   * over a merger: every department's jobs go up to the highest level the assignment reached.
   */
  private async removeCoordinationOf(
    events: readonly RecommendationEvent[],
    recommendationId: string,
    assignmentNo: number,
    departments?: string[],
  ): Promise<void> {
    const { parts, highestLevel } = coordinationHistory(events, assignmentNo);
    for (const department of (departments ?? parts).filter((d) => parts.includes(d))) {
      await this.jobs.removeCoordination(recommendationId, assignmentNo, department, highestLevel);
    }
  }

  /**
   * A coordinating part moved to `department` (a merger): its due date stays, and what was sent
   * for it stays sent, so the new department gets the reminders and escalations still to come.
   */
  private async planMovedPart(recommendationId: string, assignmentNo: number, department: string): Promise<void> {
    const { state, events } = await this.streams.load(recommendationId);
    if (state.status !== 'assigned' || state.assignment.assignmentNo !== assignmentNo) return;
    const part = state.assignment.coordinating.find((c) => c.department === department);
    if (!part || part.contributedAt !== null) return;
    const requested = events
      .map((e) => upcastStored(e))
      .find((e) => e.type === 'CoordinationRequested' && e.data.assignmentNo === assignmentNo);
    const setAt = requested?.type === 'CoordinationRequested' ? requested.data.requestedAt : state.assignment.assignedAt;
    await this.jobs.scheduleCoordination(
      { recommendationId, assignmentNo, department, dueAt: part.dueAt, setAt },
      {
        alreadySent: (lead) => part.remindersSent.includes(reminderKey(lead, part.dueAt)),
        escalationLevel: part.escalationLevel,
      },
    );
  }

  private async eventsOf(recommendationId: string): Promise<RecommendationEvent[]> {
    const { events } = await this.streams.load(recommendationId);
    return events.map((e) => upcastStored(e));
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    await this.subscription?.stop();
    await this.running;
    if (this.position !== null) this.state.set(CHECKPOINT, this.position);
    this.state.close();
  }
}

/** Every department that coordinated an assignment (named, or moved in by a merger), and the highest escalation level reached. */
export function coordinationHistory(
  events: readonly RecommendationEvent[],
  assignmentNo: number,
): { parts: string[]; highestLevel: number } {
  const parts = new Set<string>();
  let highestLevel = 0;
  for (const event of events) {
    if (event.type === 'CoordinationRequested' && event.data.assignmentNo === assignmentNo)
      for (const part of event.data.coordinating) parts.add(part.department);
    if (event.type === 'CoordinationTransferred' && event.data.assignmentNo === assignmentNo) parts.add(event.data.department);
    if (event.type === 'CoordinationEscalated' && event.data.assignmentNo === assignmentNo)
      highestLevel = Math.max(highestLevel, event.data.level);
  }
  return { parts: [...parts], highestLevel };
}
