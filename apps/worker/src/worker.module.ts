import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';

/** The background role: projections and reminders, fed by subscriptions to the event store. No controllers. */
@Module({
  imports: [CqrsModule],
})
export class WorkerModule {}
