import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { QueueName } from '@app/reminders';
import { exited, spawnTs, waitForLine } from '../support/child-process';
import {
  assignDueIn,
  countBy,
  describeNotice,
  FAST_REMINDERS,
  history,
  notices,
  resolve,
  signedCorrectly,
  WEBHOOK_SECRET,
} from '../support/reminder-fixtures';
import { until } from '../support/poll';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink';
import { createTestApp, TEST_SECRET, type TestApp } from '../support/test-app';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver';

/**
 * ACCEPTANCE: two worker processes at once on the same log, Redis and queue prefix (a rolling
 * deploy, or two replicas). Both follow the log and schedule the same deadlines, both take jobs:
 * still no reminder may be recorded or delivered twice.
 */

const ITEMS = 5;
const EXPECTED_PER_ITEM = ['ReminderSent 4s', 'ReminderSent 2s', 'DeadlineEscalated 1'];
const REDIS_URL = 'redis://127.0.0.1:6379';

describe('two worker processes', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'fut-two-workers-'));
  const prefix = `two${randomUUID().slice(0, 8)}`;
  let api: TestApp;
  let webhook: WebhookReceiver;
  let smtp: SmtpSink;
  const workers: ChildProcessWithoutNullStreams[] = [];

  beforeAll(async () => {
    webhook = await startWebhookReceiver();
    smtp = await startSmtpSink();
    const env = {
      ...FAST_REMINDERS,
      DATA_DIR: dataDir,
      REDIS_URL,
      QUEUE_PREFIX: prefix,
      NOTIFY_WEBHOOK_URL: webhook.url,
      WEBHOOK_SECRET,
      SMTP_URL: smtp.url,
    };
    // Commands come through an API-only app on the same data folder: it schedules nothing itself.
    api = await createTestApp({ realTime: true, roles: ['api'], dataDir, env });
    for (let i = 0; i < 2; i++) {
      workers.push(spawnTs('apps/worker/src/main.ts', [], { ...env, AUTH_JWT_SECRET: TEST_SECRET, LOG_LEVEL: 'info' }));
    }
    await Promise.all(workers.map((w) => waitForLine(w, /worker started/, 40_000)));
  }, 60_000);

  afterAll(async () => {
    await Promise.all(workers.map(stop));
    await api?.close();
    await webhook?.close();
    await smtp?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** SIGTERM for a clean shutdown (jobs finish, Redis connections close); SIGKILL if it hangs. */
  async function stop(child: ChildProcessWithoutNullStreams): Promise<void> {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const done = exited(child);
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await done;
    clearTimeout(timer);
  }

  it('both workers take jobs from the same queues, and each reminder is recorded and delivered once', async () => {
    // Both processes are competing consumers of the deadlines queue, not one idle standby.
    const connection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
    const deadlines = new Queue(QueueName.Deadlines, { connection, prefix });
    try {
      // Each worker names its Redis connection once connected, a moment after the start line.
      await until(async () => (await deadlines.getWorkersCount()) === 2, 'two workers on the deadlines queue');
    } finally {
      await deadlines.close();
      connection.disconnect();
    }

    const items = await Promise.all(Array.from({ length: ITEMS }, () => assignDueIn(api, 6000)));
    await Promise.all(
      items.map(async ({ id }) => {
        await until(
          async () => notices(await history(api, id)).some((e) => e.type === 'DeadlineEscalated'),
          `the escalation of ${id}`,
          { timeoutMs: 25_000 },
        );
        await resolve(api, id);
      }),
    );

    const recorded = await Promise.all(
      items.map(async ({ id }) => {
        const events = await history(api, id);
        return notices(
          events.slice(
            0,
            events.findIndex((e) => e.type === 'RecommendationResolved'),
          ),
        ).map(describeNotice);
      }),
    );
    // Each item: both reminders and the first escalation, once each. On a loaded machine the resolve
    // may come after ESCALATION_EVERY (2 s): then the next levels were due too, each once, in order.
    for (const notes of recorded) {
      const further = notes.slice(EXPECTED_PER_ITEM.length);
      expect(notes.slice(0, EXPECTED_PER_ITEM.length)).toEqual(EXPECTED_PER_ITEM);
      expect(further).toEqual(further.map((_, i) => `DeadlineEscalated ${i + 2}`));
    }
    const total = recorded.flat().length;

    // Delivered once per notice and channel: no x-delivery-id (webhook) or X-Delivery-Id (email) twice.
    const ids = new Set(items.map((i) => i.id));
    const hooks = () => webhook.deliveries.filter((d) => ids.has(d.body.recommendation?.id ?? ''));
    const mails = () => smtp.mails.filter((m) => items.some((i) => m.text.includes(i.id)));
    await until(() => hooks().length >= total && mails().length >= total, 'a webhook and an email for every notice');
    expect(hooks()).toHaveLength(total);
    expect(mails()).toHaveLength(total);
    expect(Object.values(countBy(hooks(), (d) => d.deliveryId)).filter((n) => n > 1)).toEqual([]);
    expect(Object.values(countBy(mails(), (m) => m.deliveryId)).filter((n) => n > 1)).toEqual([]);
    expect(hooks().every((d) => signedCorrectly(d))).toBe(true);
    expect(workers.every((w) => w.exitCode === null)).toBe(true);
  });
});
