import { Global, Module, type DynamicModule } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import type { Logger } from 'pino';
import { AppConfig, loadConfig } from './app-config';
import { CLOCK, systemClock, type Clock } from '../clock';
import { LOGGER } from '../logging/logger.token';

export interface CoreModuleOptions {
  config?: AppConfig;
  clock?: Clock;
  logger: Logger;
}

/**
 * Configuration, clock and logger, available everywhere. Tests pass their own config and clock;
 * the apps pass the config validated in `main` before Nest starts.
 */
@Global()
@Module({})
export class CoreModule {
  static forRoot(options: CoreModuleOptions): DynamicModule {
    const config = options.config ?? loadConfig();
    return {
      module: CoreModule,
      imports: [ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, validate: () => ({ ...config }) })],
      providers: [
        { provide: AppConfig, useValue: config },
        { provide: CLOCK, useValue: options.clock ?? systemClock },
        { provide: LOGGER, useValue: options.logger },
      ],
      exports: [AppConfig, CLOCK, LOGGER],
    };
  }
}
