import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { QueueName } from '@app/reminders';
import { bearer, department, raiseAccepted, run, secretariat, type Body } from './recommendation-fixtures';
import type { TestApp } from './test-app';
import type { Delivery } from './webhook-receiver';

/** The secret the apps under test sign webhooks with. */
export const WEBHOOK_SECRET = 'webhook-secret-shared-with-the-department';

/**
 * Leads of seconds instead of days: with a due date 6 s ahead, reminders fire at +2 s and +4 s,
 * the first escalation at +6 s and the next ones every 2 s while the item stays open.
 */
export const FAST_REMINDERS = { REMINDER_LEADS: '4s,2s', ESCALATION_EVERY: '2s' } as const;
export const LEADS_MS: Record<string, number> = { '4s': 4000, '2s': 2000 };
export const EVERY_MS = 2000;

export interface HistoryEvent {
  revision: number;
  position: number;
  type: string;
  data: Record<string, unknown>;
  occurredAt: string;
  correlationId: string | null;
  causationId: string | null;
}

export const NOTICE_TYPES = ['ReminderSent', 'DeadlineEscalated'];

export async function history(t: TestApp, id: string): Promise<HistoryEvent[]> {
  const res = await t
    .http()
    .get(`/recommendations/${id}/history`)
    .set('Authorization', bearer(await secretariat(t)));
  if (res.status !== 200) throw new Error(`GET history of ${id}: ${res.status} ${JSON.stringify(res.body)}`);
  return (res.body as { events: HistoryEvent[] }).events;
}

/** The reminders and escalations recorded on an item, in order. */
export const notices = (events: HistoryEvent[]) => events.filter((e) => NOTICE_TYPES.includes(e.type));

/** `ReminderSent 4s`, `DeadlineEscalated 1`: one line per notice, to compare sequences at a glance. */
export const describeNotice = (e: HistoryEvent) =>
  e.type === 'ReminderSent' ? `ReminderSent ${String(e.data.lead)}` : `DeadlineEscalated ${String(e.data.level)}`;

/** An accepted item assigned to `to`, due `inMs` from now; returns its id and exact due date. */
export async function assignDueIn(
  t: TestApp,
  inMs: number,
  options: { to?: string; raise?: Body } = {},
): Promise<{ id: string; dueAt: string }> {
  const id = await raiseAccepted(t, options.raise);
  const dueAt = new Date(Date.now() + inMs).toISOString();
  await run(t, id, 'assign', await secretariat(t), { department: options.to ?? 'home-affairs', dueAt });
  return { id, dueAt };
}

export async function resolve(t: TestApp, id: string, by = 'home-affairs'): Promise<void> {
  await run(t, id, 'resolve', await department(t, by));
}

/** True when the `x-signature` header is the HMAC of the raw body as received, per API.md. */
export function signedCorrectly(delivery: Delivery, secret = WEBHOOK_SECRET): boolean {
  const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(delivery.raw).digest('hex')}`);
  const got = Buffer.from(delivery.signature ?? '');
  return got.length === expected.length && timingSafeEqual(got, expected);
}

/** How many times each value occurs. */
export function countBy<T>(items: T[], key: (item: T) => string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) counts[key(item)] = (counts[key(item)] ?? 0) + 1;
  return counts;
}

/** A read-only look at the deadlines queue of an app, on its Redis and prefix. */
export class DeadlinesQueue {
  private readonly connection: Redis;
  private readonly queue: Queue;

  constructor(redisUrl: string, prefix: string) {
    this.connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
    this.queue = new Queue(QueueName.Deadlines, { connection: this.connection, prefix });
  }

  /** Jobs of one item still waiting to fire: delayed, waiting or about to retry. */
  async pendingFor(recommendationId: string): Promise<string[]> {
    const jobs = await this.queue.getJobs(['delayed', 'waiting', 'prioritized']);
    return jobs.filter((j) => j?.data?.recommendationId === recommendationId).map((j) => String(j.id));
  }

  async close(): Promise<void> {
    await this.queue.close();
    this.connection.disconnect();
  }
}
