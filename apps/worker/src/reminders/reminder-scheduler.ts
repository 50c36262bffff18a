import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from 'pino';
import { AppConfig, LOGGER } from '@app/common';
import { EVENT_STORE, type EventStore, type EventSubscription, type RecordedEvent } from '@app/event-store';
import { RECOMMENDATION_STREAM_PREFIX, upcastStored } from '@app/recommendations';
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
        return this.removeStale(recommendationId, event.data.assignmentNo);
      case 'RecommendationResolved':
        if (event.data.assignmentNo !== null) await this.removeStale(recommendationId, event.data.assignmentNo);
        return;
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
      case 'AssignmentTransferred':
        // A transfer keeps the assignment and its deadline; reminders read the department when they fire.
        return;
      default: {
        const unhandled: never = event;
        throw new Error(`the reminder scheduler does not know ${(unhandled as { type: string }).type}`);
      }
    }
  }

  /** Removes an assignment's reminders and every escalation level it may have reached. */
  private async removeStale(recommendationId: string, assignmentNo: number): Promise<void> {
    const { events } = await this.streams.load(recommendationId);
    const escalations = events.filter((e) => e.type === 'DeadlineEscalated' && e.data.assignmentNo === assignmentNo).length;
    await this.jobs.removeAssignment(recommendationId, assignmentNo, escalations);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    await this.subscription?.stop();
    await this.running;
    if (this.position !== null) this.state.set(CHECKPOINT, this.position);
    this.state.close();
  }
}
