import { randomUUID } from 'node:crypto';
import { pause } from '../../support/poll';
import { sendRequest, type Action, type SentRequest, type Tokens } from './load';
import type { Rng } from './random';

const DAY = 86_400_000;

export interface Answer {
  request: SentRequest;
  status: number;
  body: unknown;
  /** Which service answered (index into the urls given to `fire`). */
  target: number;
}

/**
 * The commands of one round on an item assigned to `first` (at `revision`): assign (to `other`),
 * resolve, return and extend always, plus a few others drawn at random (progress, acknowledge,
 * extension request, reopen, resolve on the spot or by `other`, return by `other`...), some with
 * If-Match, some with an Idempotency-Key, in random order. Which succeed depends on the order they
 * are decided in; every outcome must be a valid history.
 */
export function roundCommands(
  r: Rng,
  id: string,
  tokens: Tokens,
  options: { first: string; other: string; revision: number; now: number; extras?: [number, number] },
): SentRequest[] {
  const { first, other, now } = options;
  const due = (days: number) => new Date(now + 30 * DAY + days * DAY).toISOString();
  const cmd = (action: Action, token: string, body: Record<string, unknown>): Omit<SentRequest, 'client' | 'path' | 'id'> => ({
    action,
    token,
    body,
  });
  const core = [
    cmd('assign', tokens.secretariat, { department: other, dueAt: due(1) }),
    cmd('resolve', tokens.department[first], { resolution: 'Decision 123/QD-UBND seconds two IT staff.' }),
    cmd('return', tokens.department[first], { reason: 'Outside our competence.' }),
    cmd('extend', r.chance(0.5) ? tokens.secretariat : tokens.committee, { dueAt: due(r.int(2, 60)), reason: 'More time.' }),
  ];
  const extras = [
    () => cmd('progress', tokens.department[first], { note: 'Draft sent for comments.' }),
    () => cmd('acknowledge', tokens.department[first], {}),
    () => cmd('extension-request', tokens.department[first], { requestedDueAt: due(90), reason: 'Waiting for the Ministry.' }),
    () => cmd('reopen', tokens.committee, { reason: 'The answer gives no date.', dueAt: due(45) }),
    () => cmd('resolve', tokens.secretariat, { resolution: 'Answered at the working session.' }),
    () => cmd('resolve', tokens.department[other], { resolution: 'Handled by the other department.' }),
    () => cmd('return', tokens.department[other], { reason: 'Not ours either.' }),
    () => cmd('assign', tokens.secretariat, { department: first, dueAt: due(3) }),
    () => cmd('extend', tokens.committee, { dueAt: due(r.int(2, 60)), reason: 'Even more time.' }),
    () => cmd('progress', tokens.department[other], { note: 'Picked up by the other department.' }),
  ];
  const [min, max] = options.extras ?? [2, 6];
  const chosen = [...core, ...Array.from({ length: r.int(min, max) }, () => r.pick(extras)())];
  return r.shuffle(chosen).map((c) => ({
    ...c,
    client: 0,
    id,
    path: `/recommendations/${id}/${c.action}`,
    ...(r.chance(0.25) ? { ifMatch: options.revision + r.int(0, 2) } : {}),
    ...(r.chance(0.2) ? { idempotencyKey: `race-${randomUUID()}` } : {}),
  }));
}

/**
 * Sends all requests at once, each after its own random delay of 0–`jitterMs` ms (so that the
 * interleaving changes from round to round), each to one of `urls` chosen at random.
 */
export async function fire(r: Rng, requests: SentRequest[], urls: string[], jitterMs = 4): Promise<Answer[]> {
  const plan = requests.map((request) => ({ request, delay: r.int(0, jitterMs), target: r.int(0, urls.length - 1) }));
  return Promise.all(
    plan.map(async ({ request, delay, target }) => {
      if (delay > 0) await pause(delay);
      const { status, body } = await sendRequest(urls[target], request);
      return { request, status, body, target };
    }),
  );
}

export const codeOf = (a: Answer) => String((a.body as { code?: string } | null)?.code ?? '');
export const ok = (a: Answer) => a.status >= 200 && a.status < 300;
