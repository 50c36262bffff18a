import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { JobName, QueueName } from '@app/reminders';
import { MaintenanceProcessor } from '../../apps/worker/src/reminders/maintenance.processor';
import { DAILY_DIGEST_CRON, PROVINCE_TIME_ZONE } from '../../apps/worker/src/reminders/reminders-lifecycle';
import { until } from '../support/poll';
import { assignDueIn, signedCorrectly, WEBHOOK_SECRET } from '../support/reminder-fixtures';
import { createTestApp, type TestApp } from '../support/test-app';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver';

/** Weekday mornings each department gets one notice listing its open and overdue assignments. */
describe('daily digest', () => {
  let t: TestApp;
  let webhook: WebhookReceiver;

  beforeAll(async () => {
    webhook = await startWebhookReceiver();
    // Far leads: this test is about the digest, not about reminders firing meanwhile.
    t = await createTestApp({
      realTime: true,
      env: { REMINDER_LEADS: '30d', ESCALATION_EVERY: '30d', NOTIFY_WEBHOOK_URL: webhook.url, WEBHOOK_SECRET },
    });
  });
  afterAll(async () => {
    await t?.close();
    await webhook?.close();
  });

  it('is scheduled at 07:30 on weekdays, province time', async () => {
    const maintenance = t.app.get<Queue>(getQueueToken(QueueName.Maintenance));
    const schedulers = await until(async () => {
      const found = await maintenance.getJobSchedulers();
      return found.some((s) => s.key === 'daily-digest') ? found : null;
    }, 'the digest job scheduler');
    const digest = schedulers.find((s) => s.key === 'daily-digest');
    expect(digest).toMatchObject({ name: JobName.DailyDigest, pattern: DAILY_DIGEST_CRON, tz: PROVINCE_TIME_ZONE });
    expect(DAILY_DIGEST_CRON).toBe('30 7 * * 1-5');
  });

  it('sends one notice per department with open items, listing them, overdue ones marked', async () => {
    const homeAffairs = await assignDueIn(t, 40 * 86_400_000, { to: 'home-affairs' });
    await assignDueIn(t, 41 * 86_400_000, { to: 'home-affairs' });
    const finance = await assignDueIn(t, 42 * 86_400_000, { to: 'finance' });
    const late = await assignDueIn(t, 1500, { to: 'home-affairs' });
    await until(() => Date.now() > Date.parse(late.dueAt) + 100, 'the short deadline passed', { intervalMs: 50 });
    await until(async () => {
      const res = await t.health();
      return res.body.projections.lag === 0;
    }, 'read models caught up');

    const processor = t.app.get(MaintenanceProcessor);
    await processor.handlers[JobName.DailyDigest]!({ name: JobName.DailyDigest, data: {} } as never);

    const digests = await until(() => {
      const found = webhook.deliveries.filter((d) => d.body.kind === 'DailyDigest');
      return found.length >= 2 ? found : null;
    }, 'two digests');
    const byDepartment = Object.fromEntries(
      digests.map((d) => [
        d.body.department,
        d.body as unknown as { digest: { open: number; overdue: number; items: Array<{ id: string; overdue: boolean }> } },
      ]),
    );
    expect(Object.keys(byDepartment).sort()).toEqual(['finance', 'home-affairs']);
    expect(byDepartment['home-affairs'].digest).toMatchObject({ open: 3, overdue: 1 });
    expect(byDepartment['home-affairs'].digest.items.map((i) => i.id)).toContain(homeAffairs.id);
    expect(byDepartment['home-affairs'].digest.items.find((i) => i.id === late.id)).toMatchObject({ overdue: true });
    expect(byDepartment.finance.digest.items.map((i) => i.id)).toEqual([finance.id]);
    expect(digests.every((d) => signedCorrectly(d))).toBe(true);
  });
});
