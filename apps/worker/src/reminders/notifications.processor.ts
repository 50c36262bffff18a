import { Processor } from '@nestjs/bullmq';
import { Inject } from '@nestjs/common';
import type { Job } from 'bullmq';
import type { Logger } from 'pino';
import { LOGGER } from '@app/common';
import { IdempotencyKeyReusedError, RecommendationCommands, type CommandInput } from '@app/application';
import { JobName, QueueName, type JobPayloads } from '@app/reminders';
import { SYSTEM_ACTOR } from './deadlines.processor';
import { Notifier } from './notifier';
import { KEEP_FINISHED, RECOVER_PROMPTLY } from './job-options';
import { TypedProcessor, type Handlers } from './typed-processor';

type NotifyJob = Job<JobPayloads[JobName.Notify]>;

/**
 * Delivers notices (webhook, email). Each delivery of a notice about an item ends in exactly one
 * outcome recorded on the item before the job completes: NotificationDelivered, or
 * NotificationFailed after its last retry. Never silently dropped; the reconcile re-enqueues a
 * delivery that Redis lost before its outcome.
 */
@Processor(QueueName.Notifications, { concurrency: 10, ...KEEP_FINISHED, ...RECOVER_PROMPTLY })
export class NotificationsProcessor extends TypedProcessor {
  readonly queueName = QueueName.Notifications;
  readonly handlers: Handlers = {
    [JobName.Notify]: (job) => this.deliver(job),
  };

  constructor(
    private readonly notifier: Notifier,
    private readonly commands: RecommendationCommands,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    super();
  }

  private async deliver(job: NotifyJob): Promise<string> {
    const { channel, notice } = job.data;
    try {
      await this.notifier.deliver(channel, notice);
    } catch (error) {
      // BullMQ retries with backoff; the last try records the failure instead.
      if (job.attemptsMade + 1 < (job.opts.attempts ?? 1)) throw error;
      const message = (error as Error).message;
      this.logger.warn({ job: job.id, channel, error: message }, 'notification failed after every retry');
      await this.recordOutcome(job, { type: 'RecordNotificationFailure', error: message.slice(0, 500) });
      return 'failed';
    }
    await this.recordOutcome(job, { type: 'RecordNotificationDelivery', noticeId: notice.eventId });
    return 'delivered';
  }

  /**
   * Records the outcome on the item the notice is about (a digest is about none), for the
   * department the notice was for. Either outcome
   * takes its event id from the same seed, so whichever is recorded first is the only one: a retry
   * or re-run records the same outcome once, and the other outcome is refused as a reused seed.
   */
  private async recordOutcome(
    job: NotifyJob,
    outcome: { type: 'RecordNotificationDelivery'; noticeId: string } | { type: 'RecordNotificationFailure'; error: string },
  ): Promise<void> {
    const { channel, notice, assignmentNo } = job.data;
    if (!notice.recommendation || assignmentNo === null) return;
    // Recorded for the department the notice went to: a coordinating department's, or the lead's as it was then.
    const input = {
      ...outcome,
      recommendationId: notice.recommendation.id,
      assignmentNo,
      channel,
      notice: notice.kind,
      department: notice.department,
    };
    try {
      await this.commands.execute(input as CommandInput, SYSTEM_ACTOR, {
        correlationId: String(job.id),
        causationId: notice.eventId,
        idSeed: `notification-outcome-${job.id}`,
      });
    } catch (error) {
      if (!(error instanceof IdempotencyKeyReusedError)) throw error;
      this.logger.debug({ job: job.id, outcome: outcome.type }, 'the delivery already has its other outcome');
    }
  }
}
