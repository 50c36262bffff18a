import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { RecommendationCommands } from '@app/application';
import { deterministicUuid } from '@app/event-store';
import { JobName, QueueName, reminderJobId } from '@app/reminders';
import { reminderSeed, SYSTEM_ACTOR } from '../../apps/worker/src/reminders/deadlines.processor';
import { STALLED_TOO_OFTEN } from '../../apps/worker/src/reminders/job-options';
import { readLog } from '../reliability/support/event-log';
import { until } from '../support/poll';
import { assignDueIn, describeNotice, history, notices, resolve, WEBHOOK_SECRET } from '../support/reminder-fixtures';
import { createTestApp, type TestApp } from '../support/test-app';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver';

/**
 * ACCEPTANCE (issue 11, item 6): deadline jobs interrupted by crashes are never lost. A job that
 * stalled too often — its worker died while running it, again and again — is failed for good by
 * BullMQ, its id still taken; the reconcile that failure triggers replaces it while the reminder
 * still applies. A job whose first run recorded its notice and died before handing it over
 * delivers it when it runs again, even if the item changed meanwhile. The crashes are staged in
 * Redis and in the log as dead workers leave them.
 */
describe('deadline jobs interrupted by crashes', () => {
  let t: TestApp;
  let redis: Redis;
  let webhook: WebhookReceiver;

  beforeAll(async () => {
    webhook = await startWebhookReceiver();
    // One reminder 10 s before the due date, due 2 s after the assignment; the items are resolved
    // before their first escalation.
    t = await createTestApp({
      realTime: true,
      env: { REMINDER_LEADS: '10s', ESCALATION_EVERY: '1h', NOTIFY_WEBHOOK_URL: webhook.url, WEBHOOK_SECRET },
    });
    redis = new Redis(t.config.REDIS_URL, { maxRetriesPerRequest: 1 });
  });

  afterAll(async () => {
    redis?.disconnect();
    await t?.close();
    await webhook?.close();
  });

  const key = (suffix: string) => `${t.config.QUEUE_PREFIX}:${QueueName.Deadlines}:${suffix}`;

  /** The reasons the deadlines queue's event stream gives for the failures of `jobId`. */
  async function failures(jobId: string): Promise<string[]> {
    const entries = await redis.xrange(key('events'), '-', '+');
    return entries
      .map(([, fields]) => Object.fromEntries(fields.flatMap((f, i) => (i % 2 === 0 ? [[f, fields[i + 1]]] : []))))
      .filter((e) => e.event === 'failed' && e.jobId === jobId)
      .map((e) => String(e.failedReason));
  }

  it('a reminder job failed by repeated stalls is planned again by the reconcile it triggers; the reminder is recorded once', async () => {
    const { id } = await assignDueIn(t, 12_000);
    const jobId = reminderJobId(id, 1, '10s');
    await until(async () => (await redis.zscore(key('delayed'), jobId)) !== null, 'the reminder job to be scheduled');

    // As a worker that died running it for the third time leaves it: active, unlocked, stalled twice already.
    await redis.zrem(key('delayed'), jobId);
    await redis.hset(key(jobId), 'stc', '2');
    await redis.lpush(key('active'), jobId);

    // The stalled checks find it and BullMQ fails it for good; the reconcile replaces it and it fires.
    await until(async () => (await failures(jobId)).includes(STALLED_TOO_OFTEN), 'BullMQ to fail the job for stalling', {
      timeoutMs: 20_000,
    });
    await until(async () => notices(await history(t, id)).some((e) => e.type === 'ReminderSent'), 'the reminder to be recorded', {
      timeoutMs: 20_000,
    });
    await resolve(t, id);

    expect(notices(await history(t, id)).map(describeNotice)).toEqual(['ReminderSent 10s']);
    expect(await failures(jobId)).toEqual([STALLED_TOO_OFTEN]);
  });

  it('a reminder recorded by a run that died before handing it over is delivered by the next run, though the item was resolved', async () => {
    const { id, dueAt } = await assignDueIn(t, 12_000);
    const payload = { recommendationId: id, assignmentNo: 1, dueAt, lead: '10s' };
    const jobId = reminderJobId(id, 1, '10s');
    const deadlines = t.app.get<Queue>(getQueueToken(QueueName.Deadlines));
    await until(async () => (await redis.zscore(key('delayed'), jobId)) !== null, 'the reminder job to be scheduled');

    // The first run: it takes the job, records the reminder as the job does, and dies.
    await deadlines.remove(jobId);
    await t.app
      .get(RecommendationCommands)
      .execute(
        { type: 'SendReminder', recommendationId: id, assignmentNo: 1, lead: '10s', dueAt, channels: ['webhook'] },
        SYSTEM_ACTOR,
        { idSeed: reminderSeed(payload) },
      );
    await resolve(t, id);
    // The job runs again, as after the stalled checks found it: the item no longer calls for it.
    // (Under another id, which the run does not use, so that the scheduler, removing the resolved
    // item's jobs, cannot take it away first.)
    await deadlines.add(JobName.Reminder, payload, { jobId: `${jobId}-again` });

    const noticeId = deterministicUuid(`${reminderSeed(payload)}:0`);
    await until(() => webhook.deliveries.some((d) => d.body.eventId === noticeId), 'the reminder to be delivered');
    const outcome = await until(
      () => readLog(t.dataDir).find((e) => e.type === 'NotificationDelivered' && e.data.noticeId === noticeId),
      'its outcome to be recorded',
    );
    expect(outcome.data).toMatchObject({ channel: 'webhook', notice: 'ReminderSent' });
    expect(webhook.deliveries.filter((d) => d.body.eventId === noticeId).map((d) => d.deliveryId)).toEqual([
      `${noticeId}-webhook`,
    ]);
    expect(notices(await history(t, id)).map(describeNotice)).toEqual(['ReminderSent 10s']);
  });
});
