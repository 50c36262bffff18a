import { Global, Module } from '@nestjs/common';
import { CLOCK, Directory, WorkingCalendar, type Clock } from '@app/common';
import { EVENT_STORE, type EventStore } from '@app/event-store';
import { createApplication, type Application } from './create-application';
import { IdempotentRequests } from './idempotent-requests';
import { RecommendationCommands } from './recommendation-commands';
import { RecommendationStream } from './recommendation-stream';

const APPLICATION = Symbol('APPLICATION');

/**
 * The application layer, one instance per process, for every way in: the API's routes, the
 * worker's jobs, the CLI. Its classes are plain TypeScript; this module only wires them.
 */
@Global()
@Module({
  providers: [
    {
      provide: APPLICATION,
      inject: [EVENT_STORE, Directory, WorkingCalendar, CLOCK],
      useFactory: (store: EventStore, directory: Directory, calendar: WorkingCalendar, clock: Clock) =>
        createApplication(store, { directory, calendar, clock }),
    },
    { provide: RecommendationStream, inject: [APPLICATION], useFactory: (app: Application) => app.streams },
    { provide: RecommendationCommands, inject: [APPLICATION], useFactory: (app: Application) => app.commands },
    { provide: IdempotentRequests, inject: [APPLICATION], useFactory: (app: Application) => app.idempotency },
  ],
  exports: [RecommendationStream, RecommendationCommands, IdempotentRequests],
})
export class ApplicationModule {}
