import { Module, type DynamicModule } from '@nestjs/common';
import { CheckpointWorker } from './audit/checkpoint.worker';
import { ProjectionWorker } from './projections/projection.worker';
import { JobsModule } from './jobs/jobs.module';
import { RemindersModule } from './reminders/reminders.module';

/** The background role: projections, reminders and administrators' jobs, fed by subscriptions to the event store. No controllers. */
@Module({})
export class WorkerModule {
  static forRoot(options: { reminders: boolean }): DynamicModule {
    return {
      module: WorkerModule,
      imports: options.reminders ? [RemindersModule, JobsModule] : [JobsModule],
      providers: [ProjectionWorker, CheckpointWorker],
      exports: [ProjectionWorker],
    };
  }
}
