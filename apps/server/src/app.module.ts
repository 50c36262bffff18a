import type { DynamicModule, Type } from '@nestjs/common';
import type { Logger } from 'pino';
import type { AppConfig, Clock } from '@app/common';
import { PlatformModule } from '@app/runtime';
import { ApiModule } from '../../api/src/api.module';
import { WorkerModule } from '../../worker/src/worker.module';

export type Role = 'api' | 'worker';

export interface AppModuleOptions {
  roles: Role[];
  config: AppConfig;
  logger: Logger;
  clock?: Clock;
}

/** The role modules of a process; the composition root is the one place that knows every app. */
export function roleModules(roles: Role[], config: AppConfig): Array<Type | DynamicModule> {
  const modules: Array<Type | DynamicModule> = [];
  if (roles.includes('api')) modules.push(ApiModule);
  if (roles.includes('worker')) modules.push(WorkerModule.forRoot({ reminders: config.REMINDERS === 'on' }));
  return modules;
}

/** Composes the roles a process runs: the API, the worker, or both (the embedded default). */
export const AppModule = {
  forRoot(options: AppModuleOptions): DynamicModule {
    return PlatformModule.forRoot({ ...options, roles: roleModules(options.roles, options.config) });
  },
};
