import { bearer, committee, department, getItem, raiseAccepted, run, secretariat } from '../support/recommendation-fixtures';
import { DeadlinesQueue, history, signedCorrectly, WEBHOOK_SECRET, type HistoryEvent } from '../support/reminder-fixtures';
import { until } from '../support/poll';
import { createTestApp, type TestApp } from '../support/test-app';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver';

/**
 * ACCEPTANCE (issue 14): an overdue item, an explanation requested, reminded, answered; reports
 * show it pending then answered. Real Redis, a real webhook receiver, leads of seconds. The
 * explanation's reminders go to the lead department before the explanation's own due date; once
 * it is given, the reminders still to come are cancelled. Explanations are not escalated.
 */

const LEADS_MS: Record<string, number> = { '6s': 6000, '2s': 2000 };
const EVERY_MS = 3000;

interface ExplanationCounts {
  pending: number;
  late: number;
  answered: number;
  answeredLate: number;
}

describe('explanations end to end: requested, reminded, answered, reported', () => {
  let t: TestApp;
  let webhook: WebhookReceiver;
  let deadlines: DeadlinesQueue;

  beforeAll(async () => {
    webhook = await startWebhookReceiver();
    t = await createTestApp({
      realTime: true,
      env: {
        REMINDER_LEADS: Object.keys(LEADS_MS).join(','),
        ESCALATION_EVERY: `${EVERY_MS / 1000}s`,
        NOTIFY_WEBHOOK_URL: webhook.url,
        WEBHOOK_SECRET,
      },
    });
    deadlines = new DeadlinesQueue(t.config.REDIS_URL, t.config.QUEUE_PREFIX);
  });

  afterAll(async () => {
    await deadlines?.close();
    await t?.close();
    await webhook?.close();
  });

  async function explanationsReport(): Promise<ExplanationCounts> {
    const res = await t
      .http()
      .get('/reports/summary')
      .set('Authorization', bearer(await committee(t)));
    if (res.status !== 200) throw new Error(`GET /reports/summary: ${res.status} ${JSON.stringify(res.body)}`);
    return (res.body as { explanations: ExplanationCounts }).explanations;
  }

  /** Waits until the report shows `expected` (the read models follow the log a moment later). */
  const reportShows = (expected: ExplanationCounts, what: string) =>
    until(async () => JSON.stringify(await explanationsReport()) === JSON.stringify(expected), what);

  const plus = (base: ExplanationCounts, delta: Partial<ExplanationCounts>): ExplanationCounts => ({
    pending: base.pending + (delta.pending ?? 0),
    late: base.late + (delta.late ?? 0),
    answered: base.answered + (delta.answered ?? 0),
    answeredLate: base.answeredLate + (delta.answeredLate ?? 0),
  });

  /** An item assigned to home-affairs, due in 1.5 s, once it is overdue. */
  async function overdueItem(title: string): Promise<string> {
    const id = await raiseAccepted(t, { title });
    await run(t, id, 'assign', await secretariat(t), {
      department: 'home-affairs',
      dueAt: new Date(Date.now() + 1500).toISOString(),
    });
    await until(async () => (await getItem(t, id)).body.overdue === true, 'the item to be overdue');
    return id;
  }

  async function requestExplanation(id: string, dueAt: string): Promise<void> {
    const res = await t
      .http()
      .post(`/recommendations/${id}/explanation-request`)
      .set('Authorization', bearer(await committee(t)))
      .send({ reason: 'Overdue without an extension request: explain in writing.', dueAt });
    if (res.status !== 200) throw new Error(`explanation-request: ${res.status} ${JSON.stringify(res.body)}`);
  }

  async function explain(id: string): Promise<void> {
    const res = await t
      .http()
      .post(`/recommendations/${id}/explanation`)
      .set('Authorization', bearer(await department(t, 'home-affairs')))
      .send({ text: 'The land survey was delayed by the floods; the plan goes to the committee next week.' });
    if (res.status !== 200) throw new Error(`explanation: ${res.status} ${JSON.stringify(res.body)}`);
  }

  const reminders = (events: HistoryEvent[]) => events.filter((e) => e.type === 'ExplanationReminderSent');

  it('an overdue item: an explanation requested, reminded, answered; the report shows it pending, then answered', async () => {
    const before = await explanationsReport();
    const id = await overdueItem('Ward headquarters plan: the committee asks why it is late');
    const dueAt = new Date(Date.now() + 8000).toISOString();
    const due = Date.parse(dueAt);
    await requestExplanation(id, dueAt);
    await reportShows(plus(before, { pending: 1 }), 'the explanation to show as pending');

    await until(async () => reminders(await history(t, id)).length >= 1, 'the first explanation reminder');
    const [hook] = await until(() => {
      const hooks = webhook.about(id).filter((d) => d.body.kind === 'ExplanationReminderSent');
      return hooks.length >= 1 && hooks;
    }, 'the reminder to reach the lead department');
    await explain(id);
    await reportShows(plus(before, { answered: 1 }), 'the explanation to show as answered');

    // The reminder 2 s before the explanation's due date was cancelled by the answer: wait until an
    // escalation of the item (which goes on, the item is still overdue) comes after that due date.
    await until(
      async () =>
        (await history(t, id)).some((e) => e.type === 'DeadlineEscalated' && Date.parse(String(e.data.escalatedAt)) > due),
      'an escalation of the item after the explanation was due',
      { timeoutMs: 20_000 },
    );
    const events = await history(t, id);
    const sent = reminders(events);
    expect(sent.map((e) => e.data.lead)).toEqual(['6s']);
    const [reminder] = sent;
    expect(reminder.data).toMatchObject({ department: 'home-affairs', explanationNo: 1 });
    expect(Date.parse(String(reminder.data.dueAt))).toBe(due);
    expect(Date.parse(String(reminder.data.sentAt))).toBeGreaterThanOrEqual(due - LEADS_MS['6s']);
    const given = events.findIndex((e) => e.type === 'ExplanationGiven');
    expect(events[given].data.onTime).toBe(true);
    expect(reminders(events.slice(given))).toEqual([]);
    expect((await deadlines.pendingFor(id)).filter((job) => job.startsWith('explanation-'))).toEqual([]);

    // The lead department got it by webhook, signed, about the explanation's due date; the outcome is recorded for it.
    expect(hook.body).toMatchObject({ kind: 'ExplanationReminderSent', department: 'home-affairs', lead: '6s' });
    expect(Date.parse(String(hook.body.recommendation?.dueAt))).toBe(due);
    expect(signedCorrectly(hook)).toBe(true);
    expect(webhook.about(id).filter((d) => d.body.kind === 'ExplanationReminderSent')).toHaveLength(1);
    await until(
      async () =>
        (await history(t, id)).some(
          (e) =>
            e.type === 'NotificationDelivered' && e.data.noticeId === hook.body.eventId && e.data.department === 'home-affairs',
        ),
      'the delivery of the reminder to be recorded',
    );

    const item = (await getItem(t, id)).body as { explanation: { answeredAt: string | null; dueAt: string } | null };
    expect(item.explanation?.answeredAt).not.toBeNull();
    await run(t, id, 'resolve', await department(t, 'home-affairs'));
  }, 60_000);

  it('an explanation not given by its due date shows as late, then as answered late; nothing escalates it', async () => {
    const before = await explanationsReport();
    const id = await overdueItem('Ward clinic: the committee asks why it is late');
    const dueAt = new Date(Date.now() + 2500).toISOString();
    await requestExplanation(id, dueAt);
    // The 6 s lead was already past when it was requested: only the 2 s reminder.
    await until(async () => reminders(await history(t, id)).length >= 1, 'the explanation reminder');
    await reportShows(plus(before, { pending: 1, late: 1 }), 'the explanation to show as late');
    await explain(id);
    await reportShows(plus(before, { answered: 1, answeredLate: 1 }), 'the explanation to show as answered late');

    const events = await history(t, id);
    expect(reminders(events).map((e) => e.data.lead)).toEqual(['2s']);
    expect(events.find((e) => e.type === 'ExplanationGiven')?.data.onTime).toBe(false);
    expect(events.filter((e) => e.type.startsWith('Explanation')).map((e) => e.type)).toEqual([
      'ExplanationRequested',
      'ExplanationReminderSent',
      'ExplanationGiven',
    ]);
    expect((await deadlines.pendingFor(id)).filter((job) => job.startsWith('explanation-'))).toEqual([]);
    await run(t, id, 'resolve', await department(t, 'home-affairs'));
  }, 60_000);
});
