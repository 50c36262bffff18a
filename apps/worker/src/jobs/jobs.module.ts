import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { AppConfig } from '@app/common';
import { QueueName } from '@app/reminders';
import { JobsProcessor } from './jobs.processor';

export const JOBS_CONFIG = 'jobs';

/** Work an administrator starts (a merger of departments): runs with or without reminders. */
@Module({
  imports: [
    BullModule.forRootAsync(JOBS_CONFIG, {
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        connection: { url: config.REDIS_URL, maxRetriesPerRequest: null },
        prefix: config.QUEUE_PREFIX,
      }),
    }),
    BullModule.registerQueueAsync({
      name: QueueName.Jobs,
      configKey: JOBS_CONFIG,
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        connection: { url: config.REDIS_URL, enableOfflineQueue: false, maxRetriesPerRequest: null },
        prefix: config.QUEUE_PREFIX,
      }),
    }),
  ],
  providers: [JobsProcessor],
})
export class JobsModule {}
