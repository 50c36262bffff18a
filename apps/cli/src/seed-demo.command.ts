import { NestFactory } from '@nestjs/core';
import { parseArgs } from 'node:util';
import { RecommendationCommands, seedDemoProvince, WorkingSessions } from '@app/application';
import { createLogger, Directory, ensureJwtSecret, loadConfig } from '@app/common';
import { PlatformModule } from '@app/runtime';

/**
 * `npm run cli -- seed-demo [--count 52]`: writes a realistic province through the real command
 * handlers (not by inserting rows), moving a clock through the past months command by command.
 */
export async function seedDemoCommand(argv: string[]): Promise<void> {
  const { values } = parseArgs({ args: argv, options: { count: { type: 'string', default: '52' } } });
  const count = Math.max(40, Number(values.count));
  const config = loadConfig({ ...process.env, LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' });
  ensureJwtSecret(config);
  const now = Date.now();
  const app = await NestFactory.createApplicationContext(
    PlatformModule.forRoot({ config, logger: createLogger(config.LOG_LEVEL) }),
    { logger: false },
  );
  try {
    const tally = await seedDemoProvince(app.get(RecommendationCommands), app.get(Directory), {
      count,
      now,
      sessions: app.get(WorkingSessions),
    });
    const summary = [...tally.entries()].map(([path, n]) => `${path}: ${n}`).join(', ');
    process.stdout.write(`seeded ${count} recommendations through the application layer (${summary})\n`);
  } finally {
    await app.close();
  }
}
