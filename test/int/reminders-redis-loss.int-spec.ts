import { raiseAccepted, run, secretariat } from '../support/recommendation-fixtures';
import {
  assignDueIn,
  countBy,
  DeadlinesQueue,
  describeNotice,
  FAST_REMINDERS,
  history,
  LEADS_MS,
  notices,
  resolve,
  WEBHOOK_SECRET,
} from '../support/reminder-fixtures';
import { until } from '../support/poll';
import { RedisProcess } from '../support/redis-process';
import { createTestApp, type TestApp } from '../support/test-app';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver';

/**
 * ACCEPTANCE: Redis is only where pending jobs wait, never the record. A Redis that dies and comes
 * back empty loses every delayed job; the reconcile on reconnection must bring each reminder back
 * so that it fires exactly once. A Redis that is simply away must not stop commands.
 */

const EXPECTED_PER_ITEM = ['ReminderSent 4s', 'ReminderSent 2s', 'DeadlineEscalated 1'];

describe('reminders when Redis is lost', () => {
  let redis: RedisProcess;
  let t: TestApp;
  let webhook: WebhookReceiver;

  beforeAll(async () => {
    redis = await RedisProcess.start();
    webhook = await startWebhookReceiver();
    t = await createTestApp({
      realTime: true,
      env: { ...FAST_REMINDERS, REDIS_URL: redis.url, NOTIFY_WEBHOOK_URL: webhook.url, WEBHOOK_SECRET },
    });
  });

  afterAll(async () => {
    await t?.close();
    await redis?.kill();
    await webhook?.close();
  });

  /** Kills Redis without warning and starts an empty one on the same port. */
  async function replaceRedisWithAnEmptyOne(): Promise<void> {
    await redis.kill();
    redis = await RedisProcess.start(redis.port);
  }

  async function jobsScheduledFor<T extends { id: string }>(items: T[], count: (item: T) => number): Promise<void> {
    const queue = new DeadlinesQueue(redis.url, t.config.QUEUE_PREFIX);
    try {
      for (const item of items) {
        await until(async () => (await queue.pendingFor(item.id)).length === count(item), `the jobs of ${item.id} in Redis`);
      }
    } finally {
      await queue.close();
    }
  }

  /** Waits for the first escalation and resolves at once, so the repeats every 2 s do not pile up. */
  async function untilEscalatedThenResolve(id: string): Promise<void> {
    await until(
      async () => notices(await history(t, id)).some((e) => e.type === 'DeadlineEscalated'),
      `the escalation of ${id}`,
      { timeoutMs: 25_000 },
    );
    await resolve(t, id);
  }

  /** The notices recorded while the item was open, one line each. */
  async function recordedWhileOpen(id: string): Promise<string[]> {
    const events = await history(t, id);
    return notices(
      events.slice(
        0,
        events.findIndex((e) => e.type === 'RecommendationResolved'),
      ),
    ).map(describeNotice);
  }

  it('a Redis killed and restarted empty before the deadlines: after reconciliation every reminder fires exactly once', async () => {
    // Nothing has fired yet for these two; everything they had in Redis is about to be lost.
    const untouched = [await assignDueIn(t, 7000), await assignDueIn(t, 7000)];
    // This one's first reminder will have fired before the loss: it must not be sent again.
    const halfway = await assignDueIn(t, 5000);
    await until(
      async () => notices(await history(t, halfway.id)).length === 1,
      'the first reminder of the item already under way',
    );
    // Scheduled, so there is something to lose: two reminders and an escalation, or what is left.
    await jobsScheduledFor([...untouched, halfway], (item) => (item === halfway ? 2 : 3));

    await replaceRedisWithAnEmptyOne();

    const items = [...untouched, halfway];
    await Promise.all(items.map((i) => untilEscalatedThenResolve(i.id)));

    const fired = await Promise.all(items.map((i) => recordedWhileOpen(i.id)));
    const expected = items.map(() => EXPECTED_PER_ITEM);
    expect({ expected: expected.flat().length, fired: fired.flat().length }).toEqual({ expected: 9, fired: 9 });
    expect(fired).toEqual(expected);
    // Delivered once each as well: no notice went out twice because of the replay.
    await until(() => items.every((i) => webhook.about(i.id).length >= 3), 'the deliveries of every notice');
    const deliveries = items.flatMap((i) => webhook.about(i.id));
    expect(Object.values(countBy(deliveries, (d) => d.deliveryId)).every((n) => n === 1)).toBe(true);
  });

  it('with Redis away, commands still succeed and /health says degraded; the missed reminders catch up when it returns', async () => {
    await redis.kill();
    const health = await t.health();
    expect(health.status).toBe(200);
    expect(health.body).toMatchObject({ status: 'degraded', eventStore: 'up', redis: 'down' });

    // The whole life of an assignment up to the deadline, while the queue is unreachable.
    const started = Date.now();
    const id = await raiseAccepted(t);
    const dueAt = new Date(Date.now() + 5000).toISOString();
    await run(t, id, 'assign', await secretariat(t), { department: 'home-affairs', dueAt });
    await run(t, id, 'acknowledge', await t.token({ role: 'department', department: 'home-affairs' }));
    expect(Date.now() - started).toBeLessThan(3000);

    // Let the first reminder's time pass while Redis is still away: it has to catch up, late.
    const firstReminderAt = Date.parse(dueAt) - LEADS_MS['4s'];
    await until(() => Date.now() > firstReminderAt + 500, 'the first reminder time to pass with Redis away');
    expect(notices(await history(t, id))).toEqual([]);

    redis = await RedisProcess.start(redis.port);
    const back = Date.now();
    await until(async () => (await t.health()).body.status === 'ok', '/health to report ok again');

    await untilEscalatedThenResolve(id);
    expect(await recordedWhileOpen(id)).toEqual(EXPECTED_PER_ITEM);
    const late = notices(await history(t, id))[0];
    expect(Date.parse(String(late.data.sentAt))).toBeGreaterThanOrEqual(back);
  });
});
