import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { Redis } from 'ioredis';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { createLogger, loadConfig, ManualClock, mintToken, systemClock, type AppConfig, type TokenClaims } from '@app/common';
import { configureHttp } from '../../apps/api/src/configure-http';
import { ApiHttpAdapter } from '../../apps/api/src/http-adapter';
import { AppModule, type Role } from '../../apps/server/src/app.module';

export const TEST_SECRET = 'test-secret-that-is-long-enough-for-hs256-0123456789';

export interface TestApp {
  app: INestApplication;
  config: AppConfig;
  clock: ManualClock;
  dataDir: string;
  http: () => ReturnType<typeof request>;
  token: (claims: Partial<TokenClaims> & { role: string }) => Promise<string>;
  /** GET /health with a token, so the answer has its details (a stranger learns only up or down). */
  health: (path?: string) => Promise<request.Response>;
  close: () => Promise<void>;
}

export interface TestAppOptions {
  env?: Record<string, string>;
  roles?: Role[];
  now?: string;
  dataDir?: string;
  /**
   * Run on the system clock with the reminder machinery on: BullMQ waits in real time. By default
   * the clock is a ManualClock the test moves, and reminders are off (their delays would not follow it).
   */
  realTime?: boolean;
}

/**
 * The real application on a fresh embedded store in a temp folder and real Redis, with its own
 * queue prefix. Roles default to both, as `npm start` runs them.
 */
export async function createTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'fut-e2e-'));
  const config = loadConfig({
    AUTH_JWT_SECRET: TEST_SECRET,
    DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    NODE_ENV: 'test',
    QUEUE_PREFIX: `test${randomUUID().slice(0, 8)}`,
    REMINDERS: options.realTime ? 'on' : 'off',
    ...options.env,
  });
  const clock = new ManualClock(new Date(options.now ?? '2026-03-02T09:00:00+07:00'));
  const logger = createLogger(config.LOG_LEVEL);
  const moduleRef = await Test.createTestingModule({
    imports: [
      AppModule.forRoot({
        roles: options.roles ?? ['api', 'worker'],
        config,
        logger,
        clock: options.realTime ? systemClock : clock,
      }),
    ],
  }).compile();
  const app = moduleRef.createNestApplication(new ApiHttpAdapter(), { bodyParser: false, logger: false });
  configureHttp(app, config);
  await app.init();
  const server = app.getHttpServer();
  return {
    app,
    config,
    clock,
    dataDir,
    http: () => request(server),
    token: (claims) => mintToken(TEST_SECRET, { sub: `${claims.role}-1`, ...claims }),
    health: async (path = '/health') =>
      request(server)
        .get(path)
        .set('Authorization', `Bearer ${await mintToken(TEST_SECRET, { sub: 'operator-1', role: 'auditor' })}`),
    close: async () => {
      await app.close();
      await deleteKeys(config.REDIS_URL, `${config.QUEUE_PREFIX}:*`);
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Removes a test's keys from a Redis. */
export async function deleteKeys(url: string, pattern: string): Promise<void> {
  const redis = new Redis(url, { maxRetriesPerRequest: 1, lazyConnect: true });
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
  } catch {
    // The Redis may be gone on purpose in the test that called this.
  } finally {
    redis.disconnect();
  }
}
