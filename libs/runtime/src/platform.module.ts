import { Module, type DynamicModule, type Type } from '@nestjs/common';
import type { Logger } from 'pino';
import { ApplicationModule } from '@app/application';
import { AuditModule } from '@app/audit';
import { CoreModule, RedisModule, ReferenceDataModule, type AppConfig, type Clock } from '@app/common';
import { EventStoreModule } from '@app/event-store';

export interface PlatformOptions {
  config: AppConfig;
  logger: Logger;
  clock?: Clock;
  /** What this process runs on top of the platform: the API, the worker, both, or nothing (the CLI). */
  roles?: Array<Type | DynamicModule>;
}

/**
 * What every process shares, whatever it runs: configuration, clock and logger, Redis, the event
 * store, the directory and calendar, the application layer and audit.
 */
@Module({})
export class PlatformModule {
  static forRoot(options: PlatformOptions): DynamicModule {
    return {
      module: PlatformModule,
      imports: [
        CoreModule.forRoot({ config: options.config, clock: options.clock, logger: options.logger }),
        RedisModule,
        EventStoreModule,
        ReferenceDataModule,
        ApplicationModule,
        AuditModule,
        ...(options.roles ?? []),
      ],
    };
  }
}
