import { auditor, bearer, department, raiseAccepted, run, secretariat } from '../support/recommendation-fixtures';
import { history, WEBHOOK_SECRET, type HistoryEvent } from '../support/reminder-fixtures';
import { until } from '../support/poll';
import { postAs, setUpAdministrator, type Browser } from '../support/sessions';
import { createTestApp, type TestApp } from '../support/test-app';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver';

/**
 * A merger moves a merged department's coordinating parts as well as the items it leads: one
 * CoordinationTransferred per item, and the department merged into is reminded before the part's
 * due date and escalated at it, as the merged department would have been. The merged department
 * hears nothing more.
 */

const FROM = 'ethnic-minorities-religions';
const INTO = 'justice';
const COORDINATION = ['CoordinationReminderSent', 'CoordinationEscalated'];

describe('a merger of a coordinating department, with reminders', () => {
  let t: TestApp;
  let admin: Browser;
  let webhook: WebhookReceiver;

  beforeAll(async () => {
    webhook = await startWebhookReceiver();
    t = await createTestApp({
      realTime: true,
      env: { REMINDER_LEADS: '2s', ESCALATION_EVERY: '1h', NOTIFY_WEBHOOK_URL: webhook.url, WEBHOOK_SECRET },
    });
    admin = await setUpAdministrator(t);
  });

  afterAll(async () => {
    await t?.close();
    await webhook?.close();
  });

  const line = (e: HistoryEvent) =>
    `${e.type} ${String(e.data.department)} ${String(e.type === 'CoordinationEscalated' ? e.data.level : e.data.lead)}`;

  async function assign(title: string, lead: string, coordinating: string[], partInMs: number): Promise<string> {
    const id = await raiseAccepted(t, { title });
    const partDueAt = new Date(Date.now() + partInMs).toISOString();
    await run(t, id, 'assign', await secretariat(t), {
      department: lead,
      dueAt: new Date(Date.now() + 300_000).toISOString(),
      coordinating: coordinating.map((code) => ({ department: code, dueAt: partDueAt })),
    });
    return id;
  }

  it('moves the parts the merged department coordinates and the items it leads; the department merged into is reminded', async () => {
    const coordinated = await assign('Ward headquarters: religious affairs to coordinate', 'home-affairs', [FROM], 8000);
    const led = await assign('Pagoda restoration: finance to coordinate', FROM, ['finance'], 60_000);
    const contributed = await assign('Festival permit: religious affairs already contributed', 'home-affairs', [FROM], 60_000);
    const res = await t
      .http()
      .post(`/recommendations/${contributed}/contribution`)
      .set('Authorization', bearer(await department(t, FROM)))
      .send({ note: 'Our opinion is attached.' });
    expect(res.status).toBe(200);
    const untouched = await assign('Market upgrade: finance coordinates', 'home-affairs', ['finance'], 60_000);
    // The merger job waits for the read models to reach it before it lists what the merged department holds.
    const merge = await postAs(t, admin, `/admin/directory/departments/${FROM}/merge-into`, { into: INTO, reason: 'Sáp nhập' });
    expect(merge.status).toBe(202);
    const jobId = merge.body.jobId as string;
    const job = await until(
      async () => {
        const view = await t.http().get(`/jobs/${jobId}`).set('Cookie', admin.cookie);
        return view.body.status === 'completed' ? view.body : null;
      },
      'the merger job to complete',
      { timeoutMs: 30_000 },
    );
    expect(job).toMatchObject({ total: 3, done: 3, failed: 0, errors: [] });

    const moves = async (id: string) =>
      (await history(t, id))
        .filter((e) => e.type === 'CoordinationTransferred' || e.type === 'AssignmentTransferred')
        .map((e) => `${e.type} ${String(e.data.fromDepartment)} → ${String(e.data.department)}`);
    expect(await moves(coordinated)).toEqual([`CoordinationTransferred ${FROM} → ${INTO}`]);
    expect(await moves(contributed)).toEqual([`CoordinationTransferred ${FROM} → ${INTO}`]);
    expect(await moves(led)).toEqual([`AssignmentTransferred ${FROM} → ${INTO}`]);
    expect(await moves(untouched)).toEqual([]);

    // The part's reminder and escalation go to the department merged into, none to the merged one.
    await until(
      async () => (await history(t, coordinated)).some((e) => e.type === 'CoordinationEscalated'),
      'the escalation of the moved part',
      { timeoutMs: 20_000 },
    );
    const notices = (await history(t, coordinated)).filter((e) => COORDINATION.includes(e.type)).map(line);
    expect(notices).toEqual([`CoordinationReminderSent ${INTO} 2s`, `CoordinationEscalated ${INTO} 1`]);
    const hooks = await until(() => webhook.about(coordinated).length >= 2 && webhook.about(coordinated), 'the deliveries');
    expect(hooks.map((d) => `${d.body.kind} ${d.body.department}`)).toEqual([
      `CoordinationReminderSent ${INTO}`,
      `CoordinationEscalated ${INTO}`,
    ]);
    // The department merged into may contribute now; the merged one reads its history still.
    const contribution = await t
      .http()
      .post(`/recommendations/${coordinated}/contribution`)
      .set('Authorization', bearer(await department(t, INTO)))
      .send({ note: 'Justice takes over the part of religious affairs.' });
    expect(contribution.status).toBe(200);
    const read = await t
      .http()
      .get(`/recommendations/${coordinated}/history`)
      .set('Authorization', bearer(await auditor(t)));
    expect(read.status).toBe(200);
    for (const id of [coordinated, led, contributed, untouched])
      await run(t, id, 'resolve', await department(t, id === led ? INTO : 'home-affairs'));
  }, 60_000);
});
