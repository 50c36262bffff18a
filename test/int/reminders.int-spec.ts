import { secretariat, run } from '../support/recommendation-fixtures';
import {
  assignDueIn,
  countBy,
  DeadlinesQueue,
  describeNotice,
  EVERY_MS,
  FAST_REMINDERS,
  history,
  LEADS_MS,
  notices,
  resolve,
  signedCorrectly,
  WEBHOOK_SECRET,
  type HistoryEvent,
} from '../support/reminder-fixtures';
import { until } from '../support/poll';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink';
import { createTestApp, type TestApp } from '../support/test-app';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver';

/**
 * ACCEPTANCE (issue "deadline reminders"): real Redis, a real SMTP server and a webhook receiver,
 * with leads of seconds. Reminders then escalations fire in order, each recorded once and delivered
 * signed by webhook and by email; resolving cancels, extending moves, and a receiver that keeps
 * failing ends in NotificationFailed on the item.
 */

const DEPARTMENT_EMAIL = 'home-affairs@langson.example.gov.vn';
/** Items with this word in their title are refused by the receiver with a 500. */
const REFUSED = 'unreachable';
const NOTIFY_ATTEMPTS = 3;

describe('deadline reminders end to end', () => {
  let t: TestApp;
  let webhook: WebhookReceiver;
  let smtp: SmtpSink;
  let deadlines: DeadlinesQueue;

  beforeAll(async () => {
    webhook = await startWebhookReceiver((notice) => (notice.recommendation?.title.includes(REFUSED) ? 500 : 200));
    smtp = await startSmtpSink();
    t = await createTestApp({
      realTime: true,
      env: {
        ...FAST_REMINDERS,
        NOTIFY_WEBHOOK_URL: webhook.url,
        WEBHOOK_SECRET,
        SMTP_URL: smtp.url,
        SMTP_FROM: 'Follow-up Tracker <tracker@langson.example.gov.vn>',
        // Three quick tries so that a dead receiver is given up on in under a second, not ~30 s.
        NOTIFY_ATTEMPTS: String(NOTIFY_ATTEMPTS),
        NOTIFY_BACKOFF_MS: '200',
      },
    });
    deadlines = new DeadlinesQueue(t.config.REDIS_URL, t.config.QUEUE_PREFIX);
  });

  afterAll(async () => {
    await deadlines?.close();
    await t?.close();
    await webhook?.close();
    await smtp?.close();
  });

  const noticesOf = async (id: string) => notices(await history(t, id));
  const hasNotice = (line: string) => async (id: string) => (await noticesOf(id)).map(describeNotice).includes(line);

  it('sends the reminders, then the escalations, in order, each recorded once and delivered signed by webhook and email', async () => {
    const { id, dueAt } = await assignDueIn(t, 6000);
    const due = Date.parse(dueAt);

    await until(() => hasNotice('DeadlineEscalated 2')(id), 'the second escalation', { timeoutMs: 20_000 });
    await resolve(t, id);

    const events = await history(t, id);
    const recorded = notices(
      events.slice(
        0,
        events.findIndex((e) => e.type === 'RecommendationResolved'),
      ),
    );
    expect(recorded.map(describeNotice)).toEqual([
      'ReminderSent 4s',
      'ReminderSent 2s',
      'DeadlineEscalated 1',
      'DeadlineEscalated 2',
    ]);
    // Never early: a reminder at or after due − lead, escalation n at or after due + (n − 1) × every.
    for (const e of recorded) {
      const at = Date.parse(String(e.data.sentAt ?? e.data.escalatedAt));
      const earliest =
        e.type === 'ReminderSent' ? due - LEADS_MS[String(e.data.lead)] : due + (Number(e.data.level) - 1) * EVERY_MS;
      expect(at).toBeGreaterThanOrEqual(earliest);
      expect(Date.parse(String(e.data.dueAt))).toBe(due);
    }

    // Each notice reaches the department once by webhook and once by email.
    const hooks = await until(() => webhook.about(id).length >= 4 && webhook.about(id), 'four webhook deliveries');
    await until(() => smtp.mails.filter((m) => m.text.includes(id)).length >= 4, 'four emails');
    expect(hooks.map((d) => `${d.body.kind} ${d.body.lead ?? d.body.level}`)).toEqual([
      'ReminderSent 4s',
      'ReminderSent 2s',
      'DeadlineEscalated 1',
      'DeadlineEscalated 2',
    ]);
    for (const d of hooks) {
      expect(signedCorrectly(d)).toBe(true);
      expect(d.deliveryId).toBe(`${d.body.eventId}-webhook`);
      expect(d.headers['content-type']).toMatch(/^application\/json/);
    }
    expect(Object.values(countBy(hooks, (d) => d.deliveryId))).toEqual([1, 1, 1, 1]);

    const mails = smtp.mails.filter((m) => m.text.includes(id));
    expect(mails).toHaveLength(4);
    expect(mails.every((m) => m.to.join() === DEPARTMENT_EMAIL)).toBe(true);
    expect(mails.map((m) => m.subject.replace(/".*"/, '"…"'))).toEqual([
      `Reminder: "…" is due ${dueAt}`,
      `Reminder: "…" is due ${dueAt}`,
      'Overdue (escalation 1): "…"',
      'Overdue (escalation 2): "…"',
    ]);
    expect(mails[0].text).toContain('(4s left)');
    expect(mails[3].text).toMatch(/was due at .* and is 0 day\(s\) overdue/);
    // The email and the webhook of one notice carry the same id, so a department can match them.
    expect(mails.map((m) => m.deliveryId).sort()).toEqual(hooks.map((d) => d.body.eventId).sort());
  });

  it('resolving before the deadline cancels what is left: nothing fires after, no job stays queued', async () => {
    const resolved = await assignDueIn(t, 6000);
    // Same due date, left open: once it has escalated, the resolved item's jobs would have fired too.
    const control = await assignDueIn(t, 6000);

    await until(() => hasNotice('ReminderSent 4s')(resolved.id), 'the first reminder');
    await resolve(t, resolved.id);
    await until(
      async () => (await deadlines.pendingFor(resolved.id)).length === 0,
      'the jobs of the resolved item to be removed',
    );

    await until(() => hasNotice('DeadlineEscalated 1')(control.id), 'the control item to escalate', { timeoutMs: 20_000 });
    await resolve(t, control.id);

    const events = await history(t, resolved.id);
    const resolvedAt = events.findIndex((e) => e.type === 'RecommendationResolved');
    expect(notices(events.slice(resolvedAt))).toEqual([]);
    expect(notices(events).map(describeNotice)).toEqual(['ReminderSent 4s']);
    expect(await deadlines.pendingFor(resolved.id)).toEqual([]);
    // Only the one reminder was ever delivered about it.
    expect(webhook.about(resolved.id).map((d) => d.body.lead)).toEqual(['4s']);
  });

  it('extending the deadline moves the reminders: they fire before the new due date, nothing for the old one', async () => {
    const { id, dueAt: firstDue } = await assignDueIn(t, 6000);
    await until(() => hasNotice('ReminderSent 4s')(id), 'the first reminder of the first due date');
    const newDue = new Date(Date.parse(firstDue) + 4000).toISOString();
    await run(t, id, 'extend', await secretariat(t), { dueAt: newDue, reason: 'Approved: the survey needs more time.' });

    // The new first escalation comes 4 s after the old one and its follow-up would have fired.
    await until(
      async () => (await noticesOf(id)).some((e) => e.type === 'DeadlineEscalated' && e.data.dueAt === newDue),
      'the first escalation of the new due date',
      { timeoutMs: 20_000 },
    );
    await resolve(t, id);

    const events = await history(t, id);
    const extendedAt = events.findIndex((e) => e.type === 'DeadlineExtended');
    const line = (e: HistoryEvent) => `${describeNotice(e)} of ${e.data.dueAt === newDue ? 'new' : 'old'} due date`;
    expect(notices(events.slice(0, extendedAt)).map(line)).toEqual(['ReminderSent 4s of old due date']);
    const after = notices(
      events.slice(
        extendedAt,
        events.findIndex((e) => e.type === 'RecommendationResolved'),
      ),
    );
    expect(after.map(line)).toEqual([
      'ReminderSent 4s of new due date',
      'ReminderSent 2s of new due date',
      'DeadlineEscalated 1 of new due date',
    ]);
    for (const e of after.filter((n) => n.type === 'ReminderSent')) {
      expect(Date.parse(String(e.data.sentAt))).toBeGreaterThanOrEqual(Date.parse(newDue) - LEADS_MS[String(e.data.lead)]);
    }
    const escalation = after.find((e) => e.type === 'DeadlineEscalated') as HistoryEvent;
    expect(Date.parse(String(escalation.data.escalatedAt))).toBeGreaterThanOrEqual(Date.parse(newDue));
    // What was delivered after the extension speaks of the new due date only.
    await until(() => webhook.about(id).length >= 4, 'the deliveries of the moved reminders');
    expect(
      webhook
        .about(id)
        .map((d) => `${d.body.kind} ${d.body.lead ?? d.body.level} ${d.body.recommendation?.dueAt === newDue ? 'new' : 'old'}`),
    ).toEqual(['ReminderSent 4s old', 'ReminderSent 4s new', 'ReminderSent 2s new', 'DeadlineEscalated 1 new']);
  });

  it('a webhook that keeps answering 500 is retried, then recorded as NotificationFailed on the item', async () => {
    const { id } = await assignDueIn(t, 6000, { raise: { title: `Receiving system ${REFUSED} for this ward` } });

    const firstFailure = (events: HistoryEvent[]) => events.some((e) => e.type === 'NotificationFailed');
    await until(async () => firstFailure(await history(t, id)), 'a NotificationFailed event');
    await resolve(t, id);
    // A notice recorded just before the resolve may still be failing: wait until each has its failure.
    const events = await until(async () => {
      const all = await history(t, id);
      const failures = all.filter((e) => e.type === 'NotificationFailed').length;
      return failures >= notices(all).length && all;
    }, 'one NotificationFailed per notice');

    const failures = events.filter((e) => e.type === 'NotificationFailed');
    expect(failures.length).toBe(notices(events).length);
    expect(failures[0].data).toMatchObject({ channel: 'webhook', notice: 'ReminderSent', department: 'home-affairs' });
    expect(String(failures[0].data.error)).toMatch(/answered 500/);

    // Each failed notice was tried exactly NOTIFY_ATTEMPTS times, and its failure names it (causation).
    const tries = countBy(webhook.about(id), (d) => d.body.eventId);
    expect(Object.values(tries)).toEqual(failures.map(() => NOTIFY_ATTEMPTS));
    expect(failures.map((f) => f.causationId).sort()).toEqual(Object.keys(tries).sort());
    // The email channel is independent: it still went out.
    expect(smtp.mails.filter((m) => m.text.includes(id)).length).toBe(notices(events).length);
  });
});
