import { randomUUID } from 'node:crypto';
import { mintToken } from '@app/common';
import type { Rng } from './random';
import { rng as makeRng } from './random';

/** What each command appends (one event each), to check an acknowledged answer against the log. */
export const EVENT_OF = {
  raise: 'RecommendationRaised',
  accept: 'RecommendationAccepted',
  decline: 'RecommendationDeclined',
  assign: 'RecommendationAssigned',
  acknowledge: 'AssignmentAcknowledged',
  progress: 'ProgressReported',
  'extension-request': 'ExtensionRequested',
  extend: 'DeadlineExtended',
  return: 'AssignmentReturned',
  resolve: 'RecommendationResolved',
  reopen: 'RecommendationReopened',
} as const;

export type Action = keyof typeof EVENT_OF;

/** One request as sent: enough to send it again, byte for byte, after a crash. */
export interface SentRequest {
  client: number;
  action: Action;
  /** null for a raise, whose id the service chooses. */
  id: string | null;
  path: string;
  body: Record<string, unknown>;
  token: string;
  idempotencyKey?: string;
  /** Sent as `If-Match: "<revision>"`. */
  ifMatch?: number;
}

/** A 2xx answer: the service promised this command is in the log. */
export interface Ack {
  request: SentRequest;
  id: string;
  revision: number;
  position: number;
  status: string;
  /** Answered by the restarted service to a retry of a request the crash left unanswered. */
  retried: boolean;
}

export interface Refusal {
  action: Action;
  status: number;
  code: string;
}

export const DEPARTMENTS = ['home-affairs', 'finance', 'construction', 'health', 'justice'] as const;
export const COMMUNES = ['tam-thanh', 'luong-van-tri', 'dong-kinh', 'ky-lua', 'na-sam'] as const;
const CATEGORIES = ['staffing', 'headquarters', 'it-network', 'roads', 'funds'] as const;
/** The working groups config/directory.json knows (not 1..n: some numbers are not in use). */
const WORKING_GROUPS = [1, 2, 3, 4, 5, 7, 9] as const;

/** Tokens of everyone who sends commands, minted with the secret the service was given. */
export interface Tokens {
  secretariat: string;
  committee: string;
  department: Record<string, string>;
  commune: Record<string, string>;
}

export async function mintTokens(secret: string): Promise<Tokens> {
  const department: Record<string, string> = {};
  for (const code of DEPARTMENTS)
    department[code] = await mintToken(secret, { sub: `${code}-officer`, role: 'department', department: code });
  const commune: Record<string, string> = {};
  for (const code of COMMUNES) commune[code] = await mintToken(secret, { sub: `${code}-clerk`, role: 'commune', commune: code });
  return {
    secretariat: await mintToken(secret, { sub: 'secretariat-1', role: 'secretariat' }),
    committee: await mintToken(secret, { sub: 'committee-1', role: 'committee' }),
    department,
    commune,
  };
}

/** The request reached no service (connection refused): it certainly did nothing. */
class NotSent extends Error {}
/** Sent, but the connection died before an answer: it may or may not have happened. */
class Unanswered extends Error {}

export interface LoadOptions {
  url: string;
  tokens: Tokens;
  clients: number;
  rng: Rng;
  /** Share of commands sent with an Idempotency-Key (those are retried after a crash). */
  keyedShare?: number;
  /** Share of items left assigned with a close due date, for reminders and escalations to fire. */
  openShare?: number;
  /** Due dates of assignments: this many ms ahead (min, max). */
  dueInMs?: [number, number];
}

/**
 * `clients` concurrent loops of plain `fetch` calls, each taking item after item through its
 * lifecycle as the people of API.md would (raise → accept → assign → acknowledge/progress/extend
 * /return → resolve → sometimes reopen; some declined, some answered on the spot, some left open).
 * Every 2xx answer is recorded; a request whose connection died unanswered is kept to be retried.
 */
export class Load {
  readonly acks: Ack[] = [];
  readonly refusals: Refusal[] = [];
  /** Sent when the service died, no answer: outcome unknown to the client. */
  readonly unanswered: SentRequest[] = [];
  /** Connection refused: never reached a service. */
  readonly notSent: SentRequest[] = [];
  readonly other: string[] = [];
  private stopped = false;
  private running: Promise<void>[] = [];
  private readonly keyedShare: number;
  private readonly openShare: number;
  private readonly dueInMs: [number, number];
  /** Called after every acknowledged command (for tests that act on a number of commands). */
  onAck: ((ack: Ack) => void) | null = null;

  constructor(private readonly options: LoadOptions) {
    this.keyedShare = options.keyedShare ?? 0.5;
    this.openShare = options.openShare ?? 0.15;
    this.dueInMs = options.dueInMs ?? [2500, 5000];
  }

  start(): void {
    for (let c = 0; c < this.options.clients; c++) {
      const own = makeRng((this.options.rng.seed * 7919 + c * 104_729) >>> 0);
      this.running.push(this.client(c, own));
    }
  }

  /** Asks every client to stop after its current request and waits for them. */
  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all(this.running);
  }

  /** Waits for every client to end (they end by themselves when the service dies). */
  async ended(): Promise<void> {
    await Promise.all(this.running);
  }

  private async client(c: number, r: Rng): Promise<void> {
    try {
      while (!this.stopped) await this.lifecycle(c, r);
    } catch (error) {
      if (!(error instanceof NotSent || error instanceof Unanswered)) this.other.push(`client ${c}: ${(error as Error).stack}`);
    }
  }

  private async lifecycle(c: number, r: Rng): Promise<void> {
    const t = this.options.tokens;
    const communeCode = r.pick(COMMUNES);
    const raiser = r.chance(0.3) ? t.commune[communeCode] : t.secretariat;
    const raised = await this.send(c, r, 'raise', null, raiser, {
      commune: communeCode,
      title: `Reliability item ${c}-${randomUUID().slice(0, 8)}: second IT staff to the ward`,
      description: 'One officer covers fourteen systems since the merger of the wards.',
      category: r.pick(CATEGORIES),
      ...(r.chance(0.5) ? { workingGroup: r.pick(WORKING_GROUPS) } : {}),
    });
    if (!raised || this.stopped) return;
    const id = raised.id;
    const path = r.next();
    if (path < 0.06) {
      await this.send(c, r, 'decline', id, t.secretariat, { reason: 'Already settled by the 2025 staffing decision.' });
      return;
    }
    if (!(await this.send(c, r, 'accept', id, t.secretariat, r.chance(0.5) ? { note: 'Transferred to the department.' } : {})))
      return;
    if (path < 0.12) {
      // Answered on the spot by the secretariat, then sometimes reopened to a department.
      if (!(await this.send(c, r, 'resolve', id, t.secretariat, { resolution: 'Answered at the working session.' }))) return;
      if (r.chance(0.5)) {
        const dept = r.pick(DEPARTMENTS);
        const dueAt = this.dueAt(r, 30_000);
        if (!(await this.send(c, r, 'reopen', id, t.committee, { reason: 'No date given.', dueAt, department: dept }))) return;
        await this.send(c, r, 'resolve', id, t.department[dept], { resolution: 'Budget line approved for 2026.' });
      }
      return;
    }
    let dept: string = r.pick(DEPARTMENTS);
    let dueAt = this.dueAt(r);
    if (
      !(await this.send(c, r, 'assign', id, t.secretariat, { department: dept, dueAt, instructions: 'Report within the month.' }))
    )
      return;
    if (r.chance(this.openShare)) return; // left open: reminders and escalations will fire on it
    if (r.chance(0.6) && !(await this.send(c, r, 'acknowledge', id, t.department[dept], {}))) return;
    for (let i = r.int(0, 2); i > 0; i--) {
      if (!(await this.send(c, r, 'progress', id, t.department[dept], { note: `Step ${i}: draft sent for comments.` }))) return;
    }
    if (r.chance(0.25)) {
      const requestedDueAt = new Date(Date.parse(dueAt) + 60_000).toISOString();
      const body = { requestedDueAt, reason: "Waiting for the Ministry's guidance." };
      if (!(await this.send(c, r, 'extension-request', id, t.department[dept], body))) return;
    }
    if (r.chance(0.3)) {
      dueAt = new Date(Date.parse(dueAt) + r.int(20_000, 90_000)).toISOString();
      const by = r.chance(0.5) ? t.committee : t.secretariat;
      if (!(await this.send(c, r, 'extend', id, by, { dueAt, reason: 'Approved: the survey needs more time.' }))) return;
    }
    if (r.chance(0.2)) {
      if (!(await this.send(c, r, 'return', id, t.department[dept], { reason: 'Outside our competence.' }))) return;
      dept = r.pick(DEPARTMENTS.filter((d) => d !== dept));
      if (!(await this.send(c, r, 'assign', id, t.secretariat, { department: dept, dueAt: this.dueAt(r) }))) return;
    }
    if (!(await this.send(c, r, 'resolve', id, t.department[dept], { resolution: 'Decision 123/QD-UBND seconds two IT staff.' })))
      return;
    if (r.chance(0.15)) {
      if (
        !(await this.send(c, r, 'reopen', id, t.committee, { reason: 'The answer gives no date.', dueAt: this.dueAt(r, 60_000) }))
      )
        return;
      await this.send(c, r, 'resolve', id, t.department[dept], { resolution: 'Staff seconded from 1 October.' });
    }
  }

  private dueAt(r: Rng, extra = 0): string {
    return new Date(Date.now() + r.int(this.dueInMs[0], this.dueInMs[1]) + extra).toISOString();
  }

  /** One command; the answer when 2xx, null when refused. Throws when the service is gone. */
  private async send(c: number, r: Rng, action: Action, id: string | null, token: string, body: Record<string, unknown>) {
    if (this.stopped) return null;
    const request: SentRequest = {
      client: c,
      action,
      id,
      path: id === null ? '/recommendations' : `/recommendations/${id}/${action}`,
      body,
      token,
      ...(r.chance(this.keyedShare) ? { idempotencyKey: `rel-${c}-${randomUUID()}` } : {}),
    };
    const answer = await sendRequest(this.options.url, request).catch((error: unknown) => {
      if (error instanceof NotSent) this.notSent.push(request);
      else this.unanswered.push(request);
      throw error;
    });
    if (answer.status >= 200 && answer.status < 300) {
      const ack = toAck(request, answer.body, false);
      this.acks.push(ack);
      this.onAck?.(ack);
      return ack;
    }
    this.refusals.push({ action, status: answer.status, code: String((answer.body as { code?: string } | null)?.code ?? '') });
    return null;
  }
}

export function toAck(request: SentRequest, body: unknown, retried: boolean): Ack {
  const b = body as { id: string; revision: number; position: number; status: string };
  return { request, id: b.id, revision: b.revision, position: b.position, status: b.status, retried };
}

/** Sends one request (again): `{ status, body }`, or NotSent / Unanswered when there was no answer. */
export async function sendRequest(url: string, request: SentRequest): Promise<{ status: number; body: unknown }> {
  const headers: Record<string, string> = { authorization: `Bearer ${request.token}`, 'content-type': 'application/json' };
  if (request.idempotencyKey) headers['idempotency-key'] = request.idempotencyKey;
  if (request.ifMatch !== undefined) headers['if-match'] = `"${request.ifMatch}"`;
  let res: Response;
  try {
    res = await fetch(`${url}${request.path}`, {
      method: 'POST',
      headers,
      body: JSON.stringify(request.body),
      signal: AbortSignal.timeout(30_000),
    });
  } catch (error) {
    const code = (error as { cause?: { code?: string } }).cause?.code;
    if (code === 'ECONNREFUSED') throw new NotSent(`${request.path}: connection refused`);
    throw new Unanswered(`${request.path}: ${(error as Error).message} (${code ?? 'no code'})`);
  }
  try {
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  } catch (error) {
    throw new Unanswered(`${request.path}: answer cut off: ${(error as Error).message}`);
  }
}

/** How many of each, e.g. `{ "409 RECOMMENDATION.INVALID_TRANSITION": 3 }`. */
export function tally<T>(items: T[], key: (item: T) => string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) counts[key(item)] = (counts[key(item)] ?? 0) + 1;
  return counts;
}
