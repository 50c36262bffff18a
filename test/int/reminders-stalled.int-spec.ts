import { Redis } from 'ioredis';
import { QueueName, reminderJobId } from '@app/reminders';
import { STALLED_TOO_OFTEN } from '../../apps/worker/src/reminders/job-options';
import { until } from '../support/poll';
import { assignDueIn, describeNotice, history, notices, resolve } from '../support/reminder-fixtures';
import { createTestApp, type TestApp } from '../support/test-app';

/**
 * ACCEPTANCE (issue 11, item 6): a reminder job that stalled too often — its worker died while
 * running it, again and again — is failed for good by BullMQ, its id still taken. The reconcile
 * that failure triggers replaces it while the reminder still applies, so the reminder is still
 * recorded, once. The stalls are staged in Redis as dead workers leave them: the job in the
 * active list, without a lock, having stalled the most times it may.
 */
describe('a reminder job failed by repeated stalls', () => {
  let t: TestApp;
  let redis: Redis;

  beforeAll(async () => {
    // One reminder 10 s before the due date, due 2 s after the assignment; the item is resolved
    // before its first escalation.
    t = await createTestApp({ realTime: true, env: { REMINDER_LEADS: '10s', ESCALATION_EVERY: '1h' } });
    redis = new Redis(t.config.REDIS_URL, { maxRetriesPerRequest: 1 });
  });

  afterAll(async () => {
    redis?.disconnect();
    await t?.close();
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

  it('is planned again by the reconcile it triggers, and the reminder is recorded once', async () => {
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
});
