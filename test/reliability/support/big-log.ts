import type Database from 'better-sqlite3';
import { readFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import {
  deterministicUuid,
  eventHash,
  genesisHash,
  SqliteEventStore,
  type AppendResult,
  type JsonObject,
  type RecordedEvent,
} from '@app/event-store';
import { createProjections, openReadModelDb, overdueReport, summaryReport } from '@app/read-models';
import {
  CURRENT_SCHEMA_VERSION,
  decide,
  evolve,
  initialState,
  recommendationStream,
  type Actor,
  type RecommendationCommand,
  type RecommendationEvent,
  type RecommendationState,
} from '@app/recommendations';
import { department as officer, secretariat } from '../../../libs/recommendations/src/testing/recommendation.builder';
import { rng as makeRng, type Rng } from './random';

/*
 * A big, realistic log for load tests of the read side: a province's year of recommendations,
 * every event decided by the domain's own `decide` from a command (so the log holds only what the
 * service could have written), chained and appended in the order of the events' time, as the
 * service would have appended them over that year.
 */

export const DAY = 86_400_000;

/** Departments of config/directory.json the generated items are assigned to. */
export const DEPARTMENTS = [
  'home-affairs',
  'finance',
  'construction',
  'science-technology',
  'agriculture-environment',
  'education-training',
  'health',
  'justice',
  'industry-trade',
  'provincial-police',
] as const;
const COMMUNES = ['dong-kinh', 'ky-lua', 'tam-thanh', 'luong-van-tri', 'na-sam', 'van-lang', 'huu-lung', 'cao-loc'];
/** Working group of each commune above, as the directory has them. */
const WORKING_GROUP: Record<string, number> = {
  'dong-kinh': 1,
  'ky-lua': 1,
  'tam-thanh': 1,
  'luong-van-tri': 1,
  'na-sam': 2,
  'van-lang': 2,
  'huu-lung': 3,
  'cao-loc': 4,
};
const CATEGORIES = ['staffing', 'training', 'headquarters', 'it-network', 'roads', 'funds', 'land-planning', 'other'];

const SECRETARIAT = secretariat();

export interface BigLogOptions {
  /** Exactly this many events are written. */
  events: number;
  seed: number;
  /** First instant an item may be raised at (ms). */
  start: number;
  /** Items are raised uniformly over this many days from `start`. */
  raiseDays: number;
  /** Nothing happens after this instant (ms): lives still running then stop there, items stay open. */
  end: number;
}

export interface BigLog {
  file: string;
  events: number;
  items: number;
  head: number;
  firstAt: string;
  lastAt: string;
  /** Events of each type. */
  types: Record<string, number>;
  /** Status of the items at the end of the log (resolvedLate: resolved after their due date). */
  statuses: Record<string, number>;
  writeMs: number;
}

/** One event of one item, with the time of the command that decided it. */
interface Planned {
  at: number;
  item: number;
  id: string;
  seq: number;
  actor: Actor;
  event: RecommendationEvent;
}

type Input<T extends RecommendationCommand['type']> = Omit<
  Extract<RecommendationCommand, { type: T }>,
  'recommendationId' | 'actor' | 'now'
>;
type AnyInput = { [T in RecommendationCommand['type']]: Input<T> & { type: T } }[RecommendationCommand['type']];

/**
 * The life of one item: raised, then declined (7%), answered on the spot (5%) or accepted and
 * assigned; the department acknowledges (85%), may return it (12%, reassigned to another one),
 * reports progress two to seven times, may ask for more time (15%, granted), then resolves it —
 * aiming at its due date 60% of the time, but the progress often runs past it, so most items end
 * resolved late — and the secretariat reopens some (6%) for another round. Commands are decided by
 * the domain on the state so far; a life stops at `end`, leaving its item where it stands (open,
 * often overdue).
 */
function life(r: Rng, item: number, options: BigLogOptions, planned: Planned[]): RecommendationState {
  const id = deterministicUuid(`as-of-load:${options.seed}:${item}`);
  let state: RecommendationState = initialState;
  let at = options.start + Math.floor((r.next() * options.raiseDays * DAY) / 1000) * 1000;
  let seq = 0;
  const days = (min: number, max: number) => Math.round((min + r.next() * (max - min)) * DAY);
  /** Issues a command `after` ms after the previous one; false when that lies beyond the end. */
  const issue = (after: number, actor: Actor, input: (now: number) => AnyInput): boolean => {
    at += Math.max(after, 60_000);
    if (at > options.end) return false;
    const command = { ...input(at), recommendationId: id, actor, now: new Date(at).toISOString() } as RecommendationCommand;
    for (const event of decide(command, state)) {
      state = evolve(state, event);
      planned.push({ at, item, id, seq: seq++, actor, event });
    }
    return true;
  };
  const due = (dueAt: number) => ({ dueAt: new Date(dueAt).toISOString(), basis: { method: 'explicit' as const } });
  const assigned = () => (state as Extract<RecommendationState, { status: 'assigned' }>).assignment;
  /** The department resolves before the due date (60%: at a random time until then, if still ahead) or 1 to 60 days after it. */
  const resolveIt = (): boolean => {
    const dueAt = Date.parse(assigned().dueAt);
    const when = r.chance(0.6) ? Math.max(60_000, Math.floor(r.next() * (dueAt - at))) : dueAt - at + days(1, 60);
    return issue(when, officer(assigned().department), () => ({
      type: 'ResolveRecommendation',
      resolution: 'Done: the province allocated the staff and funds requested.',
      attachments: [],
      document: null,
    }));
  };
  const progress = (count: number): boolean => {
    for (let k = 0; k < count; k++) {
      const ok = issue(days(2, 15), officer(assigned().department), () => ({
        type: 'ReportProgress',
        note: `Progress ${k + 1}: survey and estimates under way.`,
        attachments: [],
      }));
      if (!ok) return false;
    }
    return true;
  };

  const commune = r.pick(COMMUNES);
  const raised = issue(0, SECRETARIAT, () => ({
    type: 'RaiseRecommendation',
    commune,
    workingGroup: WORKING_GROUP[commune],
    sessionDate: null,
    title: `Recommendation ${item} of ${commune}: ${r.pick(['staffing', 'headquarters', 'roads', 'network'])}`,
    description: 'Raised at the working session with the provincial leaders; see the minutes.',
    category: r.pick(CATEGORIES),
    session: null,
    attachments: [],
  }));
  if (!raised) return state;
  if (r.chance(0.07)) {
    issue(days(1, 10), SECRETARIAT, () => ({ type: 'DeclineRecommendation', reason: 'Within the commune’s own powers.' }));
    return state;
  }
  if (!issue(days(0.1, 10), SECRETARIAT, () => ({ type: 'AcceptRecommendation', note: null }))) return state;
  if (r.chance(0.05)) {
    issue(days(1, 5), SECRETARIAT, () => ({
      type: 'ResolveRecommendation',
      resolution: 'Answered at the session.',
      attachments: [],
      document: null,
    }));
    return state;
  }
  let department: string = r.pick(DEPARTMENTS);
  for (let assignment = 1; ; assignment++) {
    const ok = issue(days(0.1, 5), SECRETARIAT, (now) => ({
      type: 'AssignRecommendation',
      department,
      due: due(now + days(10, 60)),
      instructions: null,
      coordinating: [],
    }));
    if (!ok) return state;
    if (r.chance(0.85) && !issue(days(0.1, 3), officer(department), () => ({ type: 'AcknowledgeAssignment' }))) return state;
    if (assignment < 3 && r.chance(0.12)) {
      const returned = issue(days(1, 10), officer(department), () => ({
        type: 'ReturnAssignment',
        reason: 'Outside our competence.',
      }));
      if (!returned) return state;
      const previous = department;
      while (department === previous) department = r.pick(DEPARTMENTS);
      continue;
    }
    break;
  }
  if (!progress(r.int(2, 7))) return state;
  if (r.chance(0.15)) {
    const requested = Math.max(Date.parse(assigned().dueAt), at) + days(15, 30);
    const asked = issue(days(0.5, 5), officer(department), () => ({
      type: 'RequestExtension',
      requestedDueAt: new Date(requested).toISOString(),
      reason: 'Waiting for the provincial budget.',
    }));
    if (!asked) return state;
    const granted = issue(days(0.5, 3), SECRETARIAT, () => ({
      type: 'ExtendDeadline',
      due: due(requested),
      reason: 'Granted by the committee.',
    }));
    if (!granted) return state;
  }
  if (!resolveIt()) return state;
  if (r.chance(0.06)) {
    const reopened = issue(days(5, 30), SECRETARIAT, (now) => ({
      type: 'ReopenRecommendation',
      reason: 'The commune reports the staff never arrived.',
      due: due(now + days(20, 40)),
      department: null,
      coordinating: [],
    }));
    if (!reopened) return state;
    if (!progress(r.int(1, 3))) return state;
    resolveIt();
  }
  return state;
}

/**
 * Decides the lives of as many items as it takes to make exactly `options.events` events (the last
 * life is cut short: any prefix of a valid history is one), sorted by time as they would have been
 * appended. Deterministic for a seed.
 */
export function planBigLog(options: BigLogOptions): { planned: Planned[]; items: number; statuses: Record<string, number> } {
  const r = makeRng(options.seed);
  const planned: Planned[] = [];
  const states: RecommendationState[] = [];
  let items = 0;
  while (planned.length < options.events) states.push(life(r, items++, options, planned));
  if (planned.length > options.events) {
    // Cut the last life short (its events are the last ones planned), then fold what stays of it.
    const last = items - 1;
    planned.length = options.events;
    states[last] = planned.filter((p) => p.item === last).reduce<RecommendationState>((s, p) => evolve(s, p.event), initialState);
  }
  planned.sort((a, b) => a.at - b.at || a.item - b.item || a.seq - b.seq);
  const statuses: Record<string, number> = {};
  for (const s of states) {
    const key =
      s.status === 'resolved' && !s.resolution.onTime ? 'resolvedLate' : s.status === 'resolved' ? 'resolvedOnTime' : s.status;
    statuses[key] = (statuses[key] ?? 0) + 1;
  }
  return { planned, items, statuses };
}

/**
 * Writes the planned log into a fresh embedded store at `file`, in time order: one append per
 * command, with the metadata and per-stream hash chain the service writes (EventStreamRepository),
 * a few thousand appends per group-commit transaction.
 */
export async function writeBigLog(file: string, options: BigLogOptions): Promise<BigLog> {
  const started = Date.now();
  const { planned, items, statuses } = planBigLog(options);
  const store = new SqliteEventStore({ file, synchronous: 'NORMAL' });
  const streams = new Map<string, { revision: bigint | null; lastHash: string }>();
  const types: Record<string, number> = {};
  let head = 0n;
  try {
    const chunk = 4000;
    for (let from = 0; from < planned.length; from += chunk) {
      const appends: Array<Promise<AppendResult>> = [];
      for (const p of planned.slice(from, from + chunk)) {
        const stream = recommendationStream(p.id);
        const last = streams.get(stream) ?? { revision: null, lastHash: genesisHash(stream) };
        const commandId = deterministicUuid(`${p.id}:${p.seq}:command`);
        const metadata: JsonObject = {
          actor: { ...p.actor },
          occurredAt: new Date(p.at).toISOString(),
          correlationId: commandId,
          causationId: commandId,
          schemaVersion: CURRENT_SCHEMA_VERSION,
          prevHash: last.lastHash,
        };
        const hash = eventHash(last.lastHash, p.event.type, p.event.data, metadata);
        const event = {
          id: deterministicUuid(`${p.id}:${p.seq}`),
          type: p.event.type,
          data: p.event.data as unknown as JsonObject,
          metadata: { ...metadata, hash },
        };
        appends.push(store.append(stream, [event], last.revision === null ? 'no_stream' : last.revision));
        streams.set(stream, { revision: (last.revision ?? -1n) + 1n, lastHash: hash });
        types[p.event.type] = (types[p.event.type] ?? 0) + 1;
      }
      for (const result of await Promise.all(appends)) if (result.position > head) head = result.position;
    }
  } finally {
    await store.close();
  }
  return {
    file,
    events: planned.length,
    items,
    head: Number(head),
    firstAt: new Date(planned[0].at).toISOString(),
    lastAt: new Date(planned[planned.length - 1].at).toISOString(),
    types,
    statuses,
    writeMs: Date.now() - started,
  };
}

/** A report the test asks the service for, and asks the fold of the log for. */
export interface ReportAsk {
  kind: 'summary' | 'overdue';
  asOf: Date;
  actor: Actor;
}

/** The page of the overdue report both sides are asked for. */
export const OVERDUE_LIMIT = 500;

/** The report a read model gives for `ask`, through the same JSON round trip as an HTTP body. */
export function reportOf(db: Database.Database, ask: ReportAsk): unknown {
  const body =
    ask.kind === 'summary'
      ? summaryReport(db, ask.actor, {}, ask.asOf)
      : overdueReport(db, ask.actor, 'department', ask.asOf, { limit: OVERDUE_LIMIT });
  return JSON.parse(JSON.stringify(body));
}

/**
 * The expected body of every ask: the reports of a read model built by folding the log up to its
 * instant — exactly `replayUntil(store, asOf)` (libs/audit/src/testing/replay-until.ts), done once
 * for all the instants: the log is walked once in position order, and before the first event later
 * than an instant the reports of that instant are taken. That equals a replay per instant only
 * because the log's times never go back along its positions, which this checks on every event
 * (and the test compares one instant against `replayUntil` itself).
 */
export async function foldedReports(file: string, asks: ReportAsk[]): Promise<unknown[]> {
  const store = new SqliteEventStore({ file });
  const db = openReadModelDb(':memory:');
  try {
    const projections = createProjections();
    for (const p of projections) p.prepare(db);
    const applyBatch = db.transaction((events: RecordedEvent[]) => {
      for (const event of events) for (const p of projections) p.apply(event);
      for (const p of projections) p.endBatch?.();
    });
    const order = asks.map((ask, i) => ({ ask, i })).sort((a, b) => a.ask.asOf.getTime() - b.ask.asOf.getTime());
    const bodies: unknown[] = new Array(asks.length);
    let next = 0;
    let batch: RecordedEvent[] = [];
    const takeUntil = (t: number) => {
      while (next < order.length && order[next].ask.asOf.getTime() < t) {
        if (batch.length > 0) applyBatch(batch);
        batch = [];
        bodies[order[next].i] = reportOf(db, order[next].ask);
        next++;
      }
    };
    let lastTime = -Infinity;
    let page = await store.readAll({ fromPosition: 0n, maxCount: 5000 });
    while (page.length > 0) {
      for (const event of page) {
        const t = Date.parse(String(event.metadata.occurredAt));
        if (!(t >= lastTime))
          throw new Error(
            `the log's time goes back at position ${event.position}: one fold cannot stand for a replay per instant`,
          );
        lastTime = t;
        takeUntil(t);
        batch.push(event);
        if (batch.length >= 5000) {
          applyBatch(batch);
          batch = [];
        }
      }
      page = await store.readAll({ afterPosition: page[page.length - 1].position, maxCount: 5000 });
    }
    takeUntil(Infinity);
    return bodies;
  } finally {
    db.close();
    await store.close();
  }
}

/** Resident set size of a process, in MB, from /proc (Linux). */
export function rssMb(pid: number): number {
  const line = /^VmRSS:\s+(\d+)\s+kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!line) throw new Error(`no VmRSS for process ${pid}`);
  return Number(line[1]) / 1024;
}

/** Peak resident set size so far (VmHWM), in MB. */
export function peakRssMb(pid: number): number {
  const line = /^VmHWM:\s+(\d+)\s+kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!line) throw new Error(`no VmHWM for process ${pid}`);
  return Number(line[1]) / 1024;
}

/** Nearest-rank percentile. */
export function percentile(samples: number[], p: number): number {
  if (samples.length === 0) return NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/** What a {@link HealthProbe} saw: one latency per GET /health, and what was wrong with any answer. */
export interface ProbeResult {
  samples: number[];
  failures: string[];
}

/*
 * The probe runs on a thread of its own, so that the test's own work (receiving and parsing report
 * bodies of hundreds of kilobytes) never delays the reading of a /health answer and inflates its
 * latency: what it measures is the service, as a monitor on another machine would see it.
 */
const PROBE_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { performance } = require('node:perf_hooks');
let stopped = false;
parentPort.on('message', (message) => { if (message === 'stop') stopped = true; });
(async () => {
  const samples = [];
  const failures = [];
  let count = 0;
  while (!stopped && count < workerData.max) {
    count++;
    const started = performance.now();
    try {
      const res = await fetch(workerData.url, { signal: AbortSignal.timeout(10000) });
      const text = await res.text();
      samples.push(performance.now() - started);
      let status = null;
      try { status = JSON.parse(text).status; } catch {}
      if (res.status !== 200 || status !== 'ok') failures.push(res.status + ' ' + text.slice(0, 200));
    } catch (error) {
      samples.push(performance.now() - started);
      failures.push(String(error));
    }
    if (workerData.pauseMs > 0) await new Promise((resolve) => setTimeout(resolve, workerData.pauseMs));
  }
  parentPort.postMessage({ samples, failures });
})();
`;

/**
 * GET /health without a token (as a load balancer or monitor calls it), one request after the other
 * with `pauseMs` between them, on its own thread, until stopped or `max` probes were sent.
 */
export class HealthProbe {
  private readonly result: Promise<ProbeResult>;

  private constructor(private readonly worker: Worker) {
    this.result = new Promise<ProbeResult>((resolve, reject) => {
      worker.once('message', (result: ProbeResult) => resolve(result));
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`the health probe thread exited (${code}) before reporting`)));
    });
  }

  static start(url: string, options: { pauseMs: number; max?: number }): HealthProbe {
    const worker = new Worker(PROBE_SOURCE, {
      eval: true,
      workerData: { url: `${url}/health`, pauseMs: options.pauseMs, max: options.max ?? Number.MAX_SAFE_INTEGER },
    });
    return new HealthProbe(worker);
  }

  /** Resolves once the probe sent `max` requests (or was stopped). */
  async done(): Promise<ProbeResult> {
    try {
      return await this.result;
    } finally {
      await this.worker.terminate();
    }
  }

  async stop(): Promise<ProbeResult> {
    this.worker.postMessage('stop');
    return this.done();
  }
}
