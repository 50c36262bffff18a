import 'reflect-metadata';
import type { DynamicModule, INestApplication, Type } from '@nestjs/common';
import type { AbstractHttpAdapter } from '@nestjs/core';
import { NestFactory } from '@nestjs/core';
import type { Logger } from 'pino';
import { ConfigError, createLogger, ensureJwtSecret, loadConfig, PinoNestLogger, type AppConfig } from '@app/common';
import { PlatformModule } from './platform.module';

export interface ProcessDefinition {
  /** Names of the roles, for the start log. */
  roles: string[];
  /** The role modules, built from the validated configuration. */
  modules: (config: AppConfig) => Array<Type | DynamicModule>;
  /** Present when the process serves HTTP: the server adapter, and what configures the app before it listens. */
  http?: { adapter: () => AbstractHttpAdapter; configure: (app: INestApplication, config: AppConfig) => void };
}

/**
 * Starts a process with the given roles on the shared platform. A bad configuration stops it with
 * one line naming the variable, before anything else starts.
 */
export async function startProcess(definition: ProcessDefinition): Promise<void> {
  let logger: Logger | undefined;
  try {
    const config = loadConfig();
    logger = createLogger(config.LOG_LEVEL);
    const secret = ensureJwtSecret(config);
    if (secret.generated) {
      logger.warn(
        `AUTH_JWT_SECRET is not set: using a development secret kept in ${secret.file}. ` +
          'Mint a token with: npm run token -- --role secretariat --sub clerk-1',
      );
    }
    const module = PlatformModule.forRoot({ config, logger, roles: definition.modules(config) });
    const nestLogger = new PinoNestLogger(logger);
    const roles = definition.roles;
    if (definition.http) {
      const app = await NestFactory.create(module, definition.http.adapter(), { logger: nestLogger, bodyParser: false });
      definition.http.configure(app, config);
      app.enableShutdownHooks();
      await app.listen(config.PORT);
      logger.info(
        { port: config.PORT, roles, eventStore: config.EVENT_STORE, dataDir: config.DATA_DIR },
        'Follow-up Tracker is listening',
      );
    } else {
      const app = await NestFactory.createApplicationContext(module, { logger: nestLogger });
      app.enableShutdownHooks();
      logger.info({ roles, eventStore: config.EVENT_STORE }, 'Follow-up Tracker worker started');
    }
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
    } else if (logger) {
      logger.fatal({ err: error }, 'start failed');
    } else {
      process.stderr.write(`start failed: ${(error as Error).stack ?? String(error)}\n`);
    }
    process.exit(1);
  }
}
