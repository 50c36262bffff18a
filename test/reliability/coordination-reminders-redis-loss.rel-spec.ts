import { bearer, committee, department, getItem, raiseAccepted, run, secretariat } from '../support/recommendation-fixtures';
import {
  countBy,
  DeadlinesQueue,
  history,
  signedCorrectly,
  WEBHOOK_SECRET,
  type HistoryEvent,
} from '../support/reminder-fixtures';
import { until } from '../support/poll';
import { RedisProcess } from '../support/redis-process';
import { createTestApp, type TestApp } from '../support/test-app';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver';
import { outcomeProblems, readLog } from './support/event-log';

/**
 * Redis holds only what waits; the log is the record. The due dates of coordinating departments
 * and of explanations come back from the read models (`coordination`, `explanations`) when Redis
 * restarts empty: each reminder and escalation still owed fires exactly once, none already sent
 * fires again; and a delivery of their notices waiting for a retry is enqueued again from the log,
 * ending in one outcome recorded for the department it was for.
 */

const COORDINATION = ['CoordinationReminderSent', 'CoordinationEscalated'];
const line = (e: HistoryEvent) =>
  `${e.type} ${String(e.data.department)} ${String(e.type === 'CoordinationEscalated' ? e.data.level : e.data.lead)}`;

/** Kills a Redis without warning and starts an empty one on the same port. */
async function emptied(redis: RedisProcess): Promise<RedisProcess> {
  await redis.kill();
  return RedisProcess.start(redis.port);
}

async function explanationRequested(t: TestApp, id: string, dueAt: string): Promise<void> {
  const res = await t
    .http()
    .post(`/recommendations/${id}/explanation-request`)
    .set('Authorization', bearer(await committee(t)))
    .send({ reason: 'Overdue: explain in writing.', dueAt });
  if (res.status !== 200) throw new Error(`explanation-request: ${res.status} ${JSON.stringify(res.body)}`);
}

async function explained(t: TestApp, id: string): Promise<void> {
  const res = await t
    .http()
    .post(`/recommendations/${id}/explanation`)
    .set('Authorization', bearer(await department(t, 'home-affairs')))
    .send({ text: 'Delayed by the floods.' });
  if (res.status !== 200) throw new Error(`explanation: ${res.status} ${JSON.stringify(res.body)}`);
}

/** An item assigned to home-affairs, due in 1.5 s, once it is overdue. */
async function overdueItem(t: TestApp): Promise<string> {
  const id = await raiseAccepted(t, { title: 'Overdue item the committee asks about' });
  await run(t, id, 'assign', await secretariat(t), {
    department: 'home-affairs',
    dueAt: new Date(Date.now() + 1500).toISOString(),
  });
  await until(async () => (await getItem(t, id)).body.overdue === true, 'the item to be overdue');
  return id;
}

/** An item whose lead is due long after the test, with finance coordinating, due in `inMs`. */
async function coordinatedItem(t: TestApp, inMs: number): Promise<string> {
  const id = await raiseAccepted(t, { title: 'Ward headquarters: finance to coordinate' });
  await run(t, id, 'assign', await secretariat(t), {
    department: 'home-affairs',
    dueAt: new Date(Date.now() + 300_000).toISOString(),
    coordinating: [{ department: 'finance', dueAt: new Date(Date.now() + inMs).toISOString() }],
  });
  return id;
}

describe('coordination and explanation reminders when Redis is lost', () => {
  let redis: RedisProcess;
  let t: TestApp;
  let webhook: WebhookReceiver;

  beforeAll(async () => {
    redis = await RedisProcess.start();
    webhook = await startWebhookReceiver();
    t = await createTestApp({
      realTime: true,
      env: {
        // Escalations once, at the due date, while the test runs.
        // Ten seconds between the reminders: the test looks at the queue between them, on a loaded machine too.
        REMINDER_LEADS: '20s,10s',
        ESCALATION_EVERY: '1h',
        REDIS_URL: redis.url,
        NOTIFY_WEBHOOK_URL: webhook.url,
        WEBHOOK_SECRET,
      },
    });
  });

  afterAll(async () => {
    await t?.close();
    await redis?.kill();
    await webhook?.close();
  });

  it('a Redis restarted empty between the reminders: after reconciliation each one left fires once, none sent fires again', async () => {
    const coordinated = await coordinatedItem(t, 30_000);
    const explaining = await overdueItem(t);
    await explanationRequested(t, explaining, new Date(Date.now() + 28_000).toISOString());
    // The first reminder of each has fired before the loss; the rest waits in Redis.
    await until(
      async () => (await history(t, coordinated)).some((e) => e.type === 'CoordinationReminderSent'),
      "finance's first reminder",
      { timeoutMs: 30_000 },
    );
    await until(
      async () => (await history(t, explaining)).some((e) => e.type === 'ExplanationReminderSent'),
      'the first explanation reminder',
      { timeoutMs: 30_000 },
    );
    const queue = new DeadlinesQueue(redis.url, t.config.QUEUE_PREFIX);
    try {
      const pending = await queue.pendingFor(coordinated);
      expect(pending.filter((id) => id.startsWith('coordination-')).sort()).toEqual(
        [`coordination-escalation-${coordinated}-1-finance-1`, `coordination-reminder-${coordinated}-1-finance-10s`].sort(),
      );
      expect(await queue.pendingFor(explaining)).toContain(`explanation-reminder-${explaining}-1-10s`);
    } finally {
      await queue.close();
    }

    redis = await emptied(redis);

    await until(
      async () => (await history(t, coordinated)).some((e) => e.type === 'CoordinationEscalated'),
      "finance's escalation",
      { timeoutMs: 60_000 },
    );
    await until(
      async () => (await history(t, explaining)).filter((e) => e.type === 'ExplanationReminderSent').length >= 2,
      'the second explanation reminder',
      { timeoutMs: 60_000 },
    );
    await run(t, coordinated, 'resolve', await department(t, 'home-affairs'));
    await explained(t, explaining);
    await run(t, explaining, 'resolve', await department(t, 'home-affairs'));

    expect((await history(t, coordinated)).filter((e) => COORDINATION.includes(e.type)).map(line)).toEqual([
      'CoordinationReminderSent finance 20s',
      'CoordinationReminderSent finance 10s',
      'CoordinationEscalated finance 1',
    ]);
    expect((await history(t, explaining)).filter((e) => e.type === 'ExplanationReminderSent').map(line)).toEqual([
      'ExplanationReminderSent home-affairs 20s',
      'ExplanationReminderSent home-affairs 10s',
    ]);
    // Delivered once each: no notice went out twice because of the replay.
    await until(
      () =>
        webhook.about(coordinated).length >= 3 &&
        webhook.about(explaining).filter((d) => d.body.kind === 'ExplanationReminderSent').length >= 2,
      'the deliveries of every notice',
    );
    const deliveries = [...webhook.about(coordinated), ...webhook.about(explaining)];
    expect(Object.values(countBy(deliveries, (d) => d.deliveryId)).every((n) => n === 1)).toBe(true);
  }, 150_000);
});

describe('deliveries of coordination and explanation notices when Redis is emptied while they wait for a retry', () => {
  let redis: RedisProcess;
  let t: TestApp;
  let webhook: WebhookReceiver;
  let accepting = false;

  beforeAll(async () => {
    redis = await RedisProcess.start();
    webhook = await startWebhookReceiver(() => (accepting ? 200 : 503));
    t = await createTestApp({
      realTime: true,
      env: {
        REMINDER_LEADS: '5s',
        ESCALATION_EVERY: '1h',
        REDIS_URL: redis.url,
        NOTIFY_WEBHOOK_URL: webhook.url,
        WEBHOOK_SECRET,
        // A failed try waits 30 s for the next: long enough that Redis is lost while it waits.
        NOTIFY_ATTEMPTS: '5',
        NOTIFY_BACKOFF_MS: '30000',
      },
    });
  });

  afterAll(async () => {
    await t?.close();
    await redis?.kill();
    await webhook?.close();
  });

  const itemEvents = (ids: string[]) => readLog(t.dataDir).filter((e) => ids.some((id) => e.stream === `recommendation-${id}`));

  it('each ends in exactly one NotificationDelivered, recorded for the department it was for, with the same delivery id and body', async () => {
    const coordinated = await coordinatedItem(t, 6000);
    const explaining = await overdueItem(t);
    await explanationRequested(t, explaining, new Date(Date.now() + 6000).toISOString());
    const ids = [coordinated, explaining];

    const notices = await until(() => {
      const found = itemEvents(ids).filter((e) => e.type === 'CoordinationReminderSent' || e.type === 'ExplanationReminderSent');
      return found.length === 2 && found;
    }, 'the coordination and explanation reminders');
    await until(
      () => notices.every((n) => webhook.deliveries.some((d) => d.body.eventId === n.id)),
      'a refused first try of each delivery',
    );
    for (const id of ids) await run(t, id, 'resolve', await department(t, 'home-affairs'));
    const before = webhook.deliveries.length;

    redis = await emptied(redis);
    accepting = true;

    const outcomes = () =>
      itemEvents(ids).filter((e) => e.type === 'NotificationDelivered' && notices.some((n) => n.id === e.data.noticeId));
    await until(() => outcomes().length >= notices.length, 'an outcome for each delivery', { timeoutMs: 30_000 });
    // Every notice of the items (the overdue item's escalation too) ends with exactly one outcome.
    await until(() => outcomeProblems(itemEvents(ids)).length === 0, 'every delivery of the items to have its outcome', {
      timeoutMs: 30_000,
    });

    expect(
      outcomes()
        .map((o) => `${String(o.data.notice)} ${String(o.data.department)} ${String(o.data.channel)}`)
        .sort(),
    ).toEqual(['CoordinationReminderSent finance webhook', 'ExplanationReminderSent home-affairs webhook']);
    for (const notice of notices) {
      const tries = webhook.deliveries.filter((d) => d.deliveryId === `${notice.id}-webhook`);
      expect(tries.length).toBeGreaterThanOrEqual(2);
      expect(tries.filter((d) => d.status === 200)).toHaveLength(1);
      // The notice rebuilt from the log is the one first sent, to the byte, and signed.
      expect(new Set(tries.map((d) => d.raw)).size).toBe(1);
      expect(tries.every((d) => signedCorrectly(d))).toBe(true);
      expect(tries[0].body).toMatchObject({ kind: notice.type, eventId: notice.id, department: notice.data.department });
    }
    expect(webhook.deliveries.slice(before).every((d) => d.status === 200)).toBe(true);
  }, 90_000);
});
