import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { ProjectionWorker } from './projections/projection.worker';

/** The background role: projections and reminders, fed by subscriptions to the event store. No controllers. */
@Module({
  imports: [CqrsModule],
  providers: [ProjectionWorker],
  exports: [ProjectionWorker],
})
export class WorkerModule {}
