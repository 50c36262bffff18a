import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { Logger } from 'pino';
import { ConfigError, createLogger, ensureJwtSecret, loadConfig, PinoNestLogger } from '@app/common';
import { configureHttp } from '../../api/src/configure-http';
import { AppModule, type Role } from './app.module';

/**
 * Starts a process with the given roles. A bad configuration stops it with one line naming the
 * variable, before anything else starts.
 */
export async function bootstrap(roles: Role[]): Promise<void> {
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
    const module = AppModule.forRoot({ roles, config, logger });
    const nestLogger = new PinoNestLogger(logger);
    if (roles.includes('api')) {
      const app = await NestFactory.create(module, { logger: nestLogger, bodyParser: false });
      configureHttp(app, config);
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
