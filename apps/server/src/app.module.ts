import { Module, type DynamicModule, type Type } from '@nestjs/common';
import type { Logger } from 'pino';
import { CoreModule, RedisModule, type AppConfig, type Clock } from '@app/common';
import { AuditModule } from '@app/audit';
import { EventStoreModule } from '@app/event-store';
import { RecommendationStoreModule } from '@app/recommendation-store';
import { ApiModule } from '../../api/src/api.module';
import { ReferenceDataModule } from '../../api/src/reference/reference-data.module';
import { WorkerModule } from '../../worker/src/worker.module';

export type Role = 'api' | 'worker';

export interface AppModuleOptions {
  roles: Role[];
  config: AppConfig;
  logger: Logger;
  clock?: Clock;
}

/** Composes the roles a process runs: the API, the worker, or both (the embedded default). */
@Module({})
export class AppModule {
  static forRoot(options: AppModuleOptions): DynamicModule {
    const roles: Array<Type | DynamicModule> = [];
    if (options.roles.includes('api')) roles.push(ApiModule);
    if (options.roles.includes('worker')) roles.push(WorkerModule.forRoot({ reminders: options.config.REMINDERS === 'on' }));
    return {
      module: AppModule,
      imports: [
        CoreModule.forRoot({ config: options.config, clock: options.clock, logger: options.logger }),
        RedisModule,
        EventStoreModule,
        ReferenceDataModule,
        RecommendationStoreModule,
        AuditModule,
        ...roles,
      ],
    };
  }
}
