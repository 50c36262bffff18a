import { Global, Inject, Module, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { AppConfig, CLOCK, DEFAULT_DIRECTORY_FILE, Directory, WorkingCalendar, type Clock } from '@app/common';
import { EVENT_STORE, type EventStore } from '@app/event-store';
import { createApplication, type Application } from './create-application';
import { DirectoryLog } from './directory-log';
import { IdempotentRequests } from './idempotent-requests';
import { RecommendationCommands } from './recommendation-commands';
import { RecommendationStream } from './recommendation-stream';
import { AttachmentCatalog } from './attachment-catalog';
import { WorkingSessions } from './working-sessions';

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
    { provide: DirectoryLog, inject: [APPLICATION], useFactory: (app: Application) => app.directory },
    { provide: WorkingSessions, inject: [APPLICATION], useFactory: (app: Application) => app.sessions },
    { provide: AttachmentCatalog, inject: [APPLICATION], useFactory: (app: Application) => app.attachments },
  ],
  exports: [RecommendationStream, RecommendationCommands, IdempotentRequests, DirectoryLog, WorkingSessions, AttachmentCatalog],
})
export class ApplicationModule implements OnModuleInit, OnModuleDestroy {
  private follower: NodeJS.Timeout | null = null;

  constructor(
    private readonly directoryLog: DirectoryLog,
    @Inject(AppConfig) private readonly config: AppConfig,
  ) {}

  /** The directory file seeds the log at first start; from then on the process's directory is the log's. */
  async onModuleInit(): Promise<void> {
    await this.directoryLog.seed(this.directoryLog.directory.data, this.config.DIRECTORY_FILE ?? DEFAULT_DIRECTORY_FILE);
    await this.directoryLog.refresh();
    // Commands refresh before they check codes; the rest (notices, digests) follow within seconds.
    this.follower = setInterval(() => void this.directoryLog.refresh().catch(() => undefined), DIRECTORY_FOLLOW_MS);
    this.follower.unref();
  }

  onModuleDestroy(): void {
    if (this.follower) clearInterval(this.follower);
  }
}

/** How often a process reads what the directory stream gained (a change made by another process). */
export const DIRECTORY_FOLLOW_MS = 2000;
