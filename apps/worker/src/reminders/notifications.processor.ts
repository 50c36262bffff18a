import { OnWorkerEvent, Processor } from '@nestjs/bullmq';
import { Inject } from '@nestjs/common';
import type { Job } from 'bullmq';
import type { Logger } from 'pino';
import { LOGGER } from '@app/common';
import { RecommendationCommands } from '@app/application';
import { JobName, QueueName, type JobPayloads } from '@app/reminders';
import { SYSTEM_ACTOR } from './deadlines.processor';
import { Notifier } from './notifier';
import { KEEP_FINISHED } from './job-options';
import { TypedProcessor, type Handlers } from './typed-processor';

/**
 * Delivers notices (webhook, email). A delivery that still fails after its last retry is
 * recorded on the item as NotificationFailed: never silently dropped.
 */
@Processor(QueueName.Notifications, { concurrency: 10, ...KEEP_FINISHED })
export class NotificationsProcessor extends TypedProcessor {
  readonly queueName = QueueName.Notifications;
  readonly handlers: Handlers = {
    [JobName.Notify]: async (job) => {
      await this.notifier.deliver(job.data.channel, job.data.notice);
      return 'delivered';
    },
  };

  constructor(
    private readonly notifier: Notifier,
    private readonly commands: RecommendationCommands,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    super();
  }

  @OnWorkerEvent('failed')
  async onFailed(job: Job<JobPayloads[JobName.Notify]> | undefined, error: Error): Promise<void> {
    if (!job || job.attemptsMade < (job.opts.attempts ?? 1)) return;
    const { channel, notice, assignmentNo } = job.data;
    this.logger.warn({ job: job.id, channel, error: error.message }, 'notification failed after every retry');
    if (!notice.recommendation || assignmentNo === null) return;
    await this.commands
      .execute(
        {
          type: 'RecordNotificationFailure',
          recommendationId: notice.recommendation.id,
          assignmentNo,
          channel,
          notice: notice.kind,
          error: error.message.slice(0, 500),
        },
        SYSTEM_ACTOR,
        { correlationId: String(job.id), causationId: notice.eventId, idSeed: `notification-failed-${job.id}` },
      )
      .catch((failure: unknown) => this.logger.error({ err: failure, job: job.id }, 'could not record the failed notification'));
  }
}
