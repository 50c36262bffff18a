import { bearer, department, raiseAccepted, run, secretariat } from '../support/recommendation-fixtures';
import { DeadlinesQueue, history, signedCorrectly, WEBHOOK_SECRET, type HistoryEvent } from '../support/reminder-fixtures';
import { until } from '../support/poll';
import { createTestApp, type TestApp } from '../support/test-app';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver';

/**
 * A coordinating department (phối hợp) is reminded before its own due date and escalated at it,
 * through the same machinery as the lead: real Redis, a real webhook receiver, leads of seconds.
 * Once it has contributed, nothing more is sent to it; a department that contributed early is
 * never reminded at all.
 */

const LEAD_MS = 2000;
const EVERY_MS = 3000;
const COORDINATION_NOTICES = ['CoordinationReminderSent', 'CoordinationEscalated'];

describe('reminders of coordinating departments end to end', () => {
  let t: TestApp;
  let webhook: WebhookReceiver;
  let deadlines: DeadlinesQueue;

  beforeAll(async () => {
    webhook = await startWebhookReceiver();
    t = await createTestApp({
      realTime: true,
      env: {
        REMINDER_LEADS: `${LEAD_MS / 1000}s`,
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

  /** `CoordinationEscalated finance 2`: one line per coordination notice recorded on the item. */
  const line = (e: HistoryEvent) =>
    `${e.type} ${String(e.data.department)} ${String(e.type === 'CoordinationReminderSent' ? e.data.lead : e.data.level)}`;
  const coordinationNotices = (events: HistoryEvent[]) => events.filter((e) => COORDINATION_NOTICES.includes(e.type));
  const recorded = async (id: string, expected: string) =>
    coordinationNotices(await history(t, id))
      .map(line)
      .includes(expected);

  async function contribute(id: string, code: string): Promise<void> {
    const res = await t
      .http()
      .post(`/recommendations/${id}/contribution`)
      .set('Authorization', bearer(await department(t, code)))
      .send({ note: `${code} has done its part.` });
    if (res.status !== 200) throw new Error(`contribution of ${code}: ${res.status} ${JSON.stringify(res.body)}`);
  }

  it('reminds a coordinating department before its own due date and escalates at it; after its contribution nothing more, and one that contributed early hears nothing', async () => {
    const id = await raiseAccepted(t, { title: 'Land for the ward headquarters: finance and health to coordinate' });
    const now = Date.now();
    // The lead's own due date lies beyond the test: none of its reminders fire meanwhile.
    const leadDueAt = new Date(now + 120_000).toISOString();
    const partDueAt = new Date(now + 4000).toISOString();
    const partDue = Date.parse(partDueAt);
    await run(t, id, 'assign', await secretariat(t), {
      department: 'home-affairs',
      dueAt: leadDueAt,
      coordinating: [
        { department: 'finance', dueAt: partDueAt },
        { department: 'health', dueAt: partDueAt },
        // Never contributes: escalated on and on, the clock the test waits on.
        { department: 'construction', dueAt: partDueAt },
      ],
    });
    // Health gives its part at once, before its reminder is due.
    await contribute(id, 'health');

    await until(() => recorded(id, 'CoordinationEscalated finance 1'), "finance's first escalation", { timeoutMs: 20_000 });
    await contribute(id, 'finance');
    // Finance's second escalation was due EVERY_MS after its first: wait until construction's third
    // (the same due date) has fired, well after it.
    await until(() => recorded(id, 'CoordinationEscalated construction 3'), "construction's third escalation", {
      timeoutMs: 30_000,
    });

    const events = await history(t, id);
    const notices = coordinationNotices(events);
    expect(notices.filter((e) => e.data.department === 'finance').map(line)).toEqual([
      'CoordinationReminderSent finance 2s',
      'CoordinationEscalated finance 1',
    ]);
    expect(notices.filter((e) => e.data.department === 'health')).toEqual([]);
    expect(
      notices
        .filter((e) => e.data.department === 'construction')
        .map(line)
        .slice(0, 4),
    ).toEqual([
      'CoordinationReminderSent construction 2s',
      'CoordinationEscalated construction 1',
      'CoordinationEscalated construction 2',
      'CoordinationEscalated construction 3',
    ]);
    // The department's own due date, never early: the reminder at due − lead and before the due date, the escalation at it.
    const [reminder, escalation] = notices.filter((e) => e.data.department === 'finance');
    expect(Date.parse(String(reminder.data.dueAt))).toBe(partDue);
    expect(Date.parse(String(reminder.data.sentAt))).toBeGreaterThanOrEqual(partDue - LEAD_MS);
    expect(Date.parse(String(reminder.data.sentAt))).toBeLessThan(partDue);
    expect(Date.parse(String(escalation.data.escalatedAt))).toBeGreaterThanOrEqual(partDue);
    // Nothing about finance after its contribution.
    const contribution = events.findIndex((e) => e.type === 'ContributionMade' && e.data.department === 'finance');
    expect(Date.parse(String(escalation.data.escalatedAt))).toBeLessThan(
      Date.parse(String(events[contribution].data.contributedAt)),
    );
    expect(coordinationNotices(events.slice(contribution)).filter((e) => e.data.department === 'finance')).toEqual([]);
    // The lead department was not reminded of the coordinating departments' due dates.
    expect(events.filter((e) => e.type === 'ReminderSent' || e.type === 'DeadlineEscalated')).toEqual([]);

    // Each notice went to the coordinating department it names, signed, once, with its outcome recorded for it.
    const financeHooks = await until(() => {
      const hooks = webhook.about(id).filter((d) => d.body.department === 'finance');
      return hooks.length >= 2 && hooks;
    }, "finance's two deliveries");
    expect(financeHooks.map((d) => `${d.body.kind} ${d.body.lead ?? d.body.level}`)).toEqual([
      'CoordinationReminderSent 2s',
      'CoordinationEscalated 1',
    ]);
    for (const d of financeHooks) {
      expect(signedCorrectly(d)).toBe(true);
      expect(d.deliveryId).toBe(`${d.body.eventId}-webhook`);
      expect(Date.parse(String(d.body.recommendation?.dueAt))).toBe(partDue);
    }
    expect(webhook.about(id).filter((d) => d.body.department === 'health')).toEqual([]);
    const outcomes = await until(async () => {
      const delivered = (await history(t, id)).filter(
        (e) => e.type === 'NotificationDelivered' && financeHooks.some((d) => d.body.eventId === e.data.noticeId),
      );
      return delivered.length === 2 && delivered;
    }, "the outcomes of finance's deliveries");
    expect(outcomes.map((e) => [e.data.department, e.data.notice])).toEqual([
      ['finance', 'CoordinationReminderSent'],
      ['finance', 'CoordinationEscalated'],
    ]);

    // Resolving ends the assignment: no job of its coordination stays queued.
    await run(t, id, 'resolve', await department(t, 'home-affairs'));
    await until(async () => (await deadlines.pendingFor(id)).length === 0, 'every job of the item to be removed');
  }, 60_000);

  it('a coordinating department is told nothing once the item is returned: its jobs go with the assignment', async () => {
    const id = await raiseAccepted(t, { title: 'Ward clinic staffing: finance to coordinate' });
    const now = Date.now();
    await run(t, id, 'assign', await secretariat(t), {
      department: 'home-affairs',
      dueAt: new Date(now + 120_000).toISOString(),
      coordinating: [{ department: 'finance', dueAt: new Date(now + 10_000).toISOString() }],
    });
    await until(
      async () => (await deadlines.pendingFor(id)).some((job) => job.startsWith('coordination-escalation-')),
      'the coordination jobs to be planned',
    );
    await run(t, id, 'return', await department(t, 'home-affairs'));
    await until(async () => (await deadlines.pendingFor(id)).length === 0, 'the jobs of the returned assignment to be removed');
    const res = await t
      .http()
      .get(`/recommendations/${id}`)
      .set('Authorization', bearer(await secretariat(t)));
    expect(res.body.status).toBe('accepted');
    expect(coordinationNotices(await history(t, id))).toEqual([]);
  });
});
