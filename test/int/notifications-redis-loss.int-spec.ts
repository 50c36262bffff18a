import { Redis } from 'ioredis';
import { readLog, outcomeProblems, type LoggedEvent } from '../reliability/support/event-log';
import { until } from '../support/poll';
import { RedisProcess } from '../support/redis-process';
import { assignDueIn, countBy, resolve, signedCorrectly, WEBHOOK_SECRET } from '../support/reminder-fixtures';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink';
import { createTestApp, type TestApp } from '../support/test-app';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver';

/**
 * ACCEPTANCE (issue 11, item 7): a delivery waiting for its retry is not lost with Redis. What
 * must be delivered comes from the log — each ReminderSent names its channels, and each delivery
 * ends in one recorded outcome — so when Redis comes back empty, the reconcile enqueues again
 * every delivery without an outcome, with the notice rebuilt from the log and the same delivery
 * id. The webhook receiver and the mail server refuse everything until Redis is lost; then every
 * delivery ends in exactly one NotificationDelivered, and each delivery id was seen at least once
 * and accepted exactly once.
 */

const ITEMS = 2;

describe('notifications when Redis is emptied while deliveries wait for a retry', () => {
  let redis: RedisProcess;
  let t: TestApp;
  let webhook: WebhookReceiver;
  let smtp: SmtpSink;
  let accepting = false;

  beforeAll(async () => {
    redis = await RedisProcess.start();
    webhook = await startWebhookReceiver(() => (accepting ? 200 : 503));
    smtp = await startSmtpSink({ refuse: () => !accepting });
    t = await createTestApp({
      realTime: true,
      env: {
        // One reminder 5 s before the due date, and no escalation while the test runs.
        REMINDER_LEADS: '5s',
        ESCALATION_EVERY: '1h',
        REDIS_URL: redis.url,
        NOTIFY_WEBHOOK_URL: webhook.url,
        WEBHOOK_SECRET,
        SMTP_URL: smtp.url,
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
    await smtp?.close();
  });

  const reminders = (ids: string[]) =>
    readLog(t.dataDir).filter((e) => e.type === 'ReminderSent' && ids.some((id) => e.stream === `recommendation-${id}`));
  const outcomesOf = (notices: LoggedEvent[]) =>
    readLog(t.dataDir).filter(
      (e) =>
        (e.type === 'NotificationDelivered' || e.type === 'NotificationFailed') &&
        notices.some((n) => n.id === e.data.noticeId || n.id === e.metadata.causationId),
    );

  it('every delivery still ends in exactly one recorded outcome, and each delivery id reaches the department', async () => {
    const items = await Promise.all(Array.from({ length: ITEMS }, () => assignDueIn(t, 6000)));
    const ids = items.map((i) => i.id);

    // Each reminder is recorded, tried once on each channel, refused: it now waits for its retry in Redis.
    const notices = await until(() => reminders(ids).length === ITEMS && reminders(ids), 'the reminders of the items');
    await until(
      () =>
        notices.every(
          (n) => webhook.deliveries.some((d) => d.body.eventId === n.id) && smtp.refused.some((m) => m.deliveryId === n.id),
        ),
      'a refused first try of each delivery, by webhook and by email',
    );
    // Nothing more to notify about these items; what is owed is owed already.
    for (const id of ids) await resolve(t, id);
    expect(outcomesOf(notices)).toEqual([]);
    const before = { hooks: webhook.deliveries.length, mails: smtp.refused.length };
    expect(notices.map((n) => n.data.channels)).toEqual(notices.map(() => ['webhook', 'email']));

    // Redis dies and comes back with nothing: the retries waiting in it are gone.
    await redis.kill();
    redis = await RedisProcess.start(redis.port);
    accepting = true;
    const fresh = new Redis(redis.url, { maxRetriesPerRequest: 1 });
    try {
      expect(await fresh.keys(`${t.config.QUEUE_PREFIX}:notifications:notify-*`)).toHaveLength(0);
    } finally {
      fresh.disconnect();
    }

    const expected = notices.length * 2;
    await until(() => outcomesOf(notices).length >= expected, 'an outcome for each delivery', { timeoutMs: 20_000 });
    // Let a late duplicate show up, if the service were to send or record anything twice.
    await new Promise((resolveLater) => setTimeout(resolveLater, 1500));

    // Exactly one outcome per notice and channel, all of them deliveries, and none for anything else.
    const outcomes = outcomesOf(notices);
    expect(outcomes.map((o) => `${String(o.data.noticeId)} ${String(o.data.channel)} ${o.type}`).sort()).toEqual(
      notices.flatMap((n) => [`${n.id} email NotificationDelivered`, `${n.id} webhook NotificationDelivered`]).sort(),
    );
    expect(outcomeProblems(readLog(t.dataDir).filter((e) => ids.some((id) => e.stream === `recommendation-${id}`)))).toEqual([]);

    // Each webhook delivery id: refused before the loss, accepted exactly once after it, nothing after that.
    for (const notice of notices) {
      const tries = webhook.deliveries.filter((d) => d.deliveryId === `${notice.id}-webhook`);
      expect(tries.length).toBeGreaterThanOrEqual(2);
      expect(tries.map((d) => d.status).slice(-1)).toEqual([200]);
      expect(tries.filter((d) => d.status === 200)).toHaveLength(1);
      // The notice rebuilt from the log is the one first sent, to the byte, and signed.
      expect(new Set(tries.map((d) => d.raw)).size).toBe(1);
      expect(tries.every((d) => signedCorrectly(d))).toBe(true);
      expect(tries[0].body).toMatchObject({ kind: 'ReminderSent', eventId: notice.id, lead: '5s' });
    }
    expect(webhook.deliveries.slice(before.hooks).every((d) => d.status === 200)).toBe(true);

    // Each email delivery id: refused before the loss, accepted exactly once after it, same wording.
    for (const notice of notices) {
      const refused = smtp.refused.filter((m) => m.deliveryId === notice.id);
      const accepted = smtp.mails.filter((m) => m.deliveryId === notice.id);
      expect(refused.length).toBeGreaterThanOrEqual(1);
      expect(accepted).toHaveLength(1);
      expect({ subject: accepted[0].subject, text: accepted[0].text }).toEqual({
        subject: refused[0].subject,
        text: refused[0].text,
      });
    }
    expect(smtp.refused).toHaveLength(before.mails);
    expect(Object.values(countBy(smtp.mails, (m) => m.deliveryId))).toEqual(notices.map(() => 1));
  });
});
