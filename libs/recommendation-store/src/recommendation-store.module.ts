import { Global, Module } from '@nestjs/common';
import { CLOCK, type Clock } from '@app/common';
import { EVENT_STORE, type EventStore } from '@app/event-store';
import { RecommendationStore } from './recommendation-store';

/** One {@link RecommendationStore} per process, shared by the API's handlers and the worker's jobs. */
@Global()
@Module({
  providers: [
    {
      provide: RecommendationStore,
      inject: [EVENT_STORE, CLOCK],
      useFactory: (store: EventStore, clock: Clock) => new RecommendationStore(store, clock),
    },
  ],
  exports: [RecommendationStore],
})
export class RecommendationStoreModule {}
