import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { AppConfig } from '@app/common';
import { QueueName } from '@app/reminders';
import { DeadlineJobs } from './deadline-jobs';
import { DeadlinesProcessor } from './deadlines.processor';
import { MaintenanceProcessor } from './maintenance.processor';
import { NotificationsProcessor } from './notifications.processor';
import { Notifier } from './notifier';
import { Reconciler } from './reconciler';
import { ReminderScheduler } from './reminder-scheduler';
import { RemindersLifecycle } from './reminders-lifecycle';

/**
 * Deadline reminders and escalations on BullMQ. Workers block on Redis, so their connection
 * retries forever (`maxRetriesPerRequest: null`); producers fail fast instead of queueing
 * commands while Redis is away, and the scheduler retries them.
 */
@Module({
  imports: [
    BullModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        connection: { url: config.REDIS_URL, maxRetriesPerRequest: null },
        prefix: config.QUEUE_PREFIX,
      }),
    }),
    // The jobs queue has a module of its own (JobsModule): it runs whether reminders are on or not.
    ...Object.values(QueueName)
      .filter((name) => name !== QueueName.Jobs)
      .map((name) =>
        BullModule.registerQueueAsync({
          name,
          inject: [AppConfig],
          useFactory: (config: AppConfig) => ({
            connection: { url: config.REDIS_URL, enableOfflineQueue: false, maxRetriesPerRequest: null },
            prefix: config.QUEUE_PREFIX,
          }),
        }),
      ),
  ],
  providers: [
    DeadlineJobs,
    Notifier,
    Reconciler,
    ReminderScheduler,
    DeadlinesProcessor,
    NotificationsProcessor,
    MaintenanceProcessor,
    RemindersLifecycle,
  ],
  exports: [DeadlineJobs, Reconciler],
})
export class RemindersModule {}
