import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { createLogger, loadConfig, ManualClock, mintToken, type AppConfig, type TokenClaims } from '@app/common';
import { configureHttp } from '../../apps/api/src/configure-http';
import { AppModule, type Role } from '../../apps/server/src/app.module';

export const TEST_SECRET = 'test-secret-that-is-long-enough-for-hs256-0123456789';

export interface TestApp {
  app: INestApplication;
  config: AppConfig;
  clock: ManualClock;
  dataDir: string;
  http: () => ReturnType<typeof request>;
  token: (claims: Partial<TokenClaims> & { role: string }) => Promise<string>;
  close: () => Promise<void>;
}

/**
 * The real application on a fresh embedded store in a temp folder, real Redis, and a clock the
 * test moves. Roles default to both, as `npm start` runs them.
 */
export async function createTestApp(
  options: { env?: Record<string, string>; roles?: Role[]; now?: string; dataDir?: string } = {},
): Promise<TestApp> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'fut-e2e-'));
  const config = loadConfig({
    AUTH_JWT_SECRET: TEST_SECRET,
    DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    NODE_ENV: 'test',
    ...options.env,
  });
  const clock = new ManualClock(new Date(options.now ?? '2026-03-02T09:00:00+07:00'));
  const logger = createLogger(config.LOG_LEVEL);
  const moduleRef = await Test.createTestingModule({
    imports: [AppModule.forRoot({ roles: options.roles ?? ['api', 'worker'], config, logger, clock })],
  }).compile();
  const app = moduleRef.createNestApplication({ bodyParser: false, logger: false });
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
    close: async () => {
      await app.close();
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
