import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuditSigner, verifyLog, type VerifyReport } from '@app/audit';
import { mintToken } from '@app/common';
import { SqliteEventStore } from '@app/event-store';
import { activeReadModelFile } from '@app/read-models';
import { evolve, upcast, type RecommendationState } from '@app/recommendations';
import { exited, onLines, spawnTs, waitForLine } from '../../support/child-process';
import { pause, until } from '../../support/poll';
import { deleteKeys } from '../../support/test-app';
import { startWebhookReceiver, type WebhookReceiver } from '../../support/webhook-receiver';
import {
  byStream,
  eventsFile,
  foldedStates,
  headPositionOf,
  isRecommendation,
  outcomeProblems,
  readLog,
  replayProblems,
  structuralProblems,
  type LoggedEvent,
} from './event-log';
import { EVENT_OF, Load, mintTokens, sendRequest, tally, toAck, type Ack, type Tokens } from './load';
import { activeJobs, JobEndWatch, type ActiveJobs } from './queues';
import { rng, type Rng } from './random';
import { checkpointOf, compareWithRebuild } from './read-models';
import { ServiceProcess } from './service';

export const REL_SECRET = 'reliability-secret-that-is-long-enough-for-hs256-0123456789';
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
export const WEBHOOK_SECRET = 'reliability-webhook-secret';
const QUEUES = ['deadlines', 'notifications', 'maintenance'];

/** The state of the files at the instant of the kill, read after the process died. */
export interface AtKill {
  /** Milliseconds after the load started. */
  atMs: number;
  head: number;
  checkpoint: number;
  /** Events committed to the log but not yet in the read models when the process died. */
  lag: number;
  /** Events the reminder scheduler had not yet turned into jobs (its checkpoint in worker-state.sqlite). */
  schedulerLag: number | null;
  acked: number;
  unanswered: number;
  runningJobs: ActiveJobs[];
}

/** What the kill watcher saw when it struck (see support/kill-watcher.ts). */
export interface WatcherReport {
  hit: boolean;
  timedOut: boolean;
  head: number;
  checkpoint: number;
  lag: number;
  /** How far the checkpoint moved at the last poll: the size of the batch just committed. */
  batch: number;
  lagBeforeBatch: number;
  maxLag: number;
}

export interface Verification {
  acked: number;
  found: number;
  retriedAcked: number;
  ackProblems: string[];
  events: number;
  streams: number;
  structural: string[];
  replay: string[];
  audit: VerifyReport;
  deliveries: number;
  duplicateDeliveries: number;
  deliveryProblems: string[];
  /** Recorded delivery outcomes, and what is wrong with them (see outcomeProblems). */
  outcomes: number;
  outcomeProblems: string[];
  head: number;
  readModels: Awaited<ReturnType<typeof compareWithRebuild>>;
}

/**
 * One crash experiment on the REAL service: a fresh data folder, its own queue prefix and a local
 * webhook receiver; the service in a child process under load, SIGKILLed, restarted on the same
 * folder, driven to rest, then checked against everything the clients were told.
 */
export class CrashRun {
  readonly dataDir = mkdtempSync(join(tmpdir(), 'fut-rel-crash-'));
  readonly prefix = `rel${randomUUID().slice(0, 8)}`;
  readonly rng: Rng;
  service!: ServiceProcess;
  webhook!: WebhookReceiver;
  tokens!: Tokens;
  /** One load per life of the service; the last one is the current one. */
  readonly loads: Load[] = [];
  retried = { sent: 0, acked: 0, refused: {} as Record<string, number>, unanswered: 0 };
  resolvedAtRest = { sent: 0, refused: [] as string[] };
  private loadStartedAt = 0;
  /** When the last restart began (the old process dead, the new one not yet spawned). */
  private restartedAt = 0;
  private onDelivery: (() => void) | null = null;

  private constructor(
    readonly name: string,
    seed: number,
    private readonly clients: number,
  ) {
    this.rng = rng(seed);
  }

  /** The service's environment: fast reminders so that deadline jobs run during the load. */
  env(extra: Record<string, string> = {}): Record<string, string> {
    return {
      NODE_ENV: 'test',
      DATA_DIR: this.dataDir,
      AUTH_JWT_SECRET: REL_SECRET,
      REDIS_URL,
      QUEUE_PREFIX: this.prefix,
      THROTTLE_LIMIT: '100000000',
      REMINDER_LEADS: '2s,1s',
      ESCALATION_EVERY: '1s',
      NOTIFY_WEBHOOK_URL: this.webhook.url,
      WEBHOOK_SECRET,
      NOTIFY_BACKOFF_MS: '200',
      LOG_LEVEL: 'warn',
      ...extra,
    };
  }

  static async start(name: string, seed: number, options: { clients?: number } = {}): Promise<CrashRun> {
    const run = new CrashRun(name, seed, options.clients ?? 200);
    run.webhook = await startWebhookReceiver(() => {
      run.onDelivery?.();
      return 200;
    });
    run.tokens = await mintTokens(REL_SECRET);
    // Checkpoints every second before the crash, so that verifyLog also checks signatures the
    // dead process made; the restarted one keeps the default (1 h): see `settle`.
    run.service = await ServiceProcess.start(run.env({ AUDIT_CHECKPOINT_EVERY: '1s' }));
    return run;
  }

  get load(): Load {
    return this.loads[this.loads.length - 1];
  }

  /** Every acknowledgement of every load so far, retries included. */
  get acks(): Ack[] {
    return this.loads.flatMap((l) => l.acks);
  }

  startLoad(): Load {
    const load = new Load({
      url: this.service.url,
      tokens: this.tokens,
      clients: this.clients,
      rng: rng((this.rng.seed + this.loads.length * 7_777) >>> 0),
    });
    this.loads.push(load);
    this.loadStartedAt = Date.now();
    load.start();
    return load;
  }

  /**
   * Starts the kill watcher (support/kill-watcher.ts) on this service's files; resolves with its
   * report once it has SIGKILLed the service. Call before `startLoad`, then `await` the result.
   */
  async watchAndKill(mode: 'lag' | 'batch', minLag: number, timeoutMs = 10_000): Promise<() => Promise<WatcherReport>> {
    const child = spawnTs('test/reliability/support/kill-watcher.ts', [
      JSON.stringify({
        events: eventsFile(this.dataDir),
        readModels: activeReadModelFile(this.dataDir),
        pid: this.service.pid,
        mode,
        minLag,
        timeoutMs,
      }),
    ]);
    const lines: string[] = [];
    onLines(child, (line) => lines.push(line));
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    await waitForLine(child, /^ready$/, 20_000);
    return async () => {
      await exited(child);
      const last = lines.find((l) => l.startsWith('{'));
      if (!last) throw new Error(`the kill watcher reported nothing: ${stderr}`);
      return JSON.parse(last) as WatcherReport;
    };
  }

  get elapsedMs(): number {
    return Date.now() - this.loadStartedAt;
  }

  /** Resolves at the first webhook delivery (a reminder or escalation was recorded and sent). */
  firstDelivery(): Promise<void> {
    return new Promise((resolve) => {
      this.onDelivery = () => {
        this.onDelivery = null;
        resolve();
      };
    });
  }

  /** SIGKILL now, then read the files the process left: head of the log, read-model checkpoint, running jobs. */
  async kill(): Promise<AtKill> {
    const atMs = this.elapsedMs;
    await this.service.kill();
    await this.load.ended();
    const events = new Database(eventsFile(this.dataDir), { readonly: true });
    const readModels = new Database(activeReadModelFile(this.dataDir), { readonly: true });
    const head = headPositionOf(events);
    const checkpoint = checkpointOf(readModels);
    events.close();
    readModels.close();
    const workerState = new Database(join(this.dataDir, 'worker-state.sqlite'), { readonly: true });
    const scheduler = workerState.prepare("SELECT position FROM checkpoints WHERE name = 'reminder-scheduler'").get() as
      { position: number } | undefined;
    workerState.close();
    const runningJobs = await activeJobs(REDIS_URL, this.prefix, QUEUES);
    return {
      atMs,
      head,
      checkpoint,
      lag: head - checkpoint,
      schedulerLag: scheduler ? head - scheduler.position : null,
      acked: this.acks.length,
      unanswered: this.load.unanswered.length,
      runningJobs,
    };
  }

  /** Starts the service again on the same folder and port, as an operator (or systemd) would. */
  async restart(): Promise<void> {
    this.restartedAt = Date.now();
    this.service = await ServiceProcess.start(this.env(), { port: this.service.port });
  }

  /**
   * Clients whose request the crash left unanswered send it again, as they should: those with an
   * Idempotency-Key exactly as before (the service must answer as the first time, or do it once
   * now); their 2xx answers are acknowledgements like any other.
   */
  async retryUnanswered(): Promise<void> {
    const keyed = this.load.unanswered.filter((r) => r.idempotencyKey !== undefined);
    this.retried.sent += keyed.length;
    this.retried.unanswered += this.load.unanswered.length - keyed.length;
    const answers = await Promise.all(keyed.map((r) => sendRequest(this.service.url, r).then((a) => ({ r, a }))));
    for (const { r, a } of answers) {
      if (a.status >= 200 && a.status < 300) {
        this.load.acks.push(toAck(r, a.body, true));
        this.retried.acked++;
      } else {
        const key = `${a.status} ${String((a.body as { code?: string } | null)?.code ?? '')}`;
        this.retried.refused[key] = (this.retried.refused[key] ?? 0) + 1;
      }
    }
  }

  /**
   * Waits until each job that was running at the kill has run again to the end after the restart
   * (completed or failed, as the queue's event stream says), or was removed because its assignment
   * ended or its due date moved (the log says so; the scheduler drops such jobs whether or not they
   * ran again), and fails unless all did within `withinMs` of the restart. Nothing here touches
   * Redis: the dead worker's locks expire and the restarted worker's stalled checks find its jobs,
   * as after any crash. Returns how each ended, and how long after the restart.
   */
  async rerunJobs(atKill: AtKill, queue = 'deadlines', withinMs = 20_000): Promise<Record<string, string>> {
    const ids = atKill.runningJobs.find((j) => j.queue === queue)?.ids ?? [];
    if (ids.length === 0) return {};
    const watch = JobEndWatch.of(REDIS_URL, this.prefix, queue, ids, this.restartedAt);
    const after = (at: number) => `+${((at - this.restartedAt) / 1000).toFixed(1)} s`;
    const describe = (id: string) => {
      const end = watch.ends.get(id);
      if (!end) return 'not yet';
      if (end.event !== 'removed') return `${end.event} ${after(end.at)}`;
      return noLongerApplies(this.dataDir, id) ? `removed ${after(end.at)}, its assignment ended or moved` : 'removed';
    };
    const done = (line: string) => /^(completed|failed)|assignment ended/.test(line);
    try {
      return await until(
        async () => {
          await watch.poll();
          const lines = Object.fromEntries(ids.map((id) => [id, describe(id)]));
          return Object.values(lines).every(done) && lines;
        },
        `the ${queue} jobs running at the kill to run again within ${withinMs / 1000} s of the restart`,
        { timeoutMs: Math.max(0, this.restartedAt + withinMs - Date.now()), intervalMs: 200 },
      );
    } catch (error) {
      const lines = Object.fromEntries(ids.map((id) => [id, describe(id)]));
      throw new Error(`${(error as Error).message}: ${JSON.stringify(lines)}`, { cause: error });
    } finally {
      watch.close();
    }
  }

  /**
   * Brings the service to rest: every item still assigned is resolved by its department (which
   * ends its reminders and escalations), then waits until the log stops growing, /health
   * reports the projections caught up (lag 0) and no delivery waits for its outcome (the read
   * model's pending deliveries), and stops the service. The files then hold one
   * log and the read models of exactly that log.
   */
  async settle(): Promise<void> {
    const open = [...foldedStates(readLog(this.dataDir))].filter(([, s]) => s.status === 'assigned') as Array<
      [string, Extract<RecommendationState, { status: 'assigned' }>]
    >;
    this.resolvedAtRest.sent = open.length;
    await Promise.all(
      open.map(async ([id, s]) => {
        const department = s.assignment.department;
        const token =
          this.tokens.department[department] ??
          (await mintToken(REL_SECRET, { sub: `${department}-officer`, role: 'department', department }));
        const request = {
          client: -1,
          action: 'resolve' as const,
          id,
          path: `/recommendations/${id}/resolve`,
          body: { resolution: 'Closed after the crash test.' },
          token,
        };
        const answer = await sendRequest(this.service.url, request);
        if (answer.status !== 200) this.resolvedAtRest.refused.push(`${id}: ${answer.status} ${JSON.stringify(answer.body)}`);
      }),
    );
    const events = new Database(eventsFile(this.dataDir), { readonly: true });
    try {
      let last = -1;
      let stableSince = Date.now();
      await until(
        async () => {
          const head = headPositionOf(events);
          if (head !== last) {
            last = head;
            stableSince = Date.now();
            return false;
          }
          const health = await this.service.health();
          const caughtUp = health?.projections.lag === 0 && health.projections.position === head;
          return Date.now() - stableSince >= 1500 && caughtUp && pendingDeliveries(this.dataDir) === 0;
        },
        'the log to stop growing, the projections to catch up (GET /health lag 0) and every delivery to have its outcome',
        { timeoutMs: 30_000, intervalMs: 100 },
      );
    } finally {
      events.close();
    }
    await this.service.kill();
  }

  /** Every check of the promise, on the files the stopped service left. */
  async verify(): Promise<Verification> {
    const log = readLog(this.dataDir);
    const acks = this.acks;
    const ackProblems = checkAcks(acks, log);
    const ids = new Map(log.map((e) => [e.id, e]));
    const deliveryProblems: string[] = [];
    for (const d of this.webhook.deliveries) {
      const e = ids.get(d.body.eventId);
      if (!e) deliveryProblems.push(`${d.body.kind} ${d.body.eventId} was delivered but is not in the log`);
      else if (e.type !== d.body.kind || e.stream !== `recommendation-${d.body.recommendation?.id}`)
        deliveryProblems.push(`${d.body.kind} ${d.body.eventId} was delivered but the log has ${e.type} on ${e.stream}`);
    }
    const store = new SqliteEventStore({ file: eventsFile(this.dataDir) });
    let audit: VerifyReport;
    try {
      audit = await verifyLog(store, { publicKey: AuditSigner.fromConfig(undefined, this.dataDir).publicKey });
    } finally {
      await store.close();
    }
    const deliveryIds = tally(this.webhook.deliveries, (d) => d.deliveryId);
    return {
      acked: acks.length,
      found: acks.length - new Set(ackProblems.map((p) => p.split(' ')[0])).size,
      retriedAcked: acks.filter((a) => a.retried).length,
      ackProblems: ackProblems.map((p) => p.slice(p.indexOf(' ') + 1)),
      events: log.length,
      streams: byStream(log).size,
      structural: structuralProblems(log),
      replay: replayProblems(log),
      audit,
      deliveries: this.webhook.deliveries.length,
      duplicateDeliveries: Object.values(deliveryIds).filter((n) => n > 1).length,
      deliveryProblems,
      outcomes: log.filter((e) => e.type === 'NotificationDelivered' || e.type === 'NotificationFailed').length,
      outcomeProblems: outcomeProblems(log),
      head: log.length === 0 ? 0 : log[log.length - 1].position,
      readModels: await compareWithRebuild(this.dataDir),
    };
  }

  summary(): string {
    return JSON.stringify({
      refused: tally(
        this.loads.flatMap((l) => l.refusals),
        (r) => `${r.status} ${r.code}`,
      ),
      notSent: this.loads.reduce((n, l) => n + l.notSent.length, 0),
      unansweredKeyedRetried: this.retried,
      resolvedAtRest: this.resolvedAtRest.sent,
      clientErrors: this.loads.flatMap((l) => l.other).slice(0, 3),
    });
  }

  async close(): Promise<void> {
    this.onDelivery = null;
    await Promise.all(this.loads.map((l) => l.stop().catch(() => undefined)));
    await this.service?.kill();
    await this.webhook?.close();
    await deleteKeys(REDIS_URL, `${this.prefix}:*`);
    if (!process.env.REL_KEEP_DATA) rmSync(this.dataDir, { recursive: true, force: true });
  }
}

/** Deliveries the live read model says still wait for their outcome. */
function pendingDeliveries(dataDir: string): number {
  const db = new Database(activeReadModelFile(dataDir), { readonly: true });
  try {
    return (db.prepare('SELECT count(*) AS n FROM pending_deliveries').get() as { n: number }).n;
  } finally {
    db.close();
  }
}

/**
 * Whether the log ended the assignment of a deadline job (`reminder-<id>-<assignment>-<lead>`,
 * `escalation-<id>-<assignment>-<level>`) or moved its due date: the only reasons the service
 * removes such a job.
 */
function noLongerApplies(dataDir: string, jobId: string): boolean {
  const match = /^(?:reminder|escalation)-(.+)-(\d+)-[^-]+$/.exec(jobId);
  if (!match) return false;
  const [, id, assignmentNo] = match;
  const ending = ['AssignmentReturned', 'RecommendationResolved', 'DeadlineExtended'];
  return readLog(dataDir).some(
    (e) => e.stream === `recommendation-${id}` && ending.includes(e.type) && e.data.assignmentNo === Number(assignmentNo),
  );
}

/**
 * Each acknowledged command against the log: the event at the answered (stream, revision) exists,
 * has the type the command appends, the answered global position, and leaves the item in the
 * answered status. Each problem starts with the ack's index, then a space.
 */
export function checkAcks(acks: Ack[], log: LoggedEvent[]): string[] {
  const at = new Map<string, { event: LoggedEvent; status: string }>();
  for (const [stream, list] of byStream(log.filter(isRecommendation))) {
    let state: RecommendationState = { status: 'none' };
    for (const e of list) {
      state = evolve(state, upcast(e.type, e.data, e.metadata.schemaVersion));
      at.set(`${stream}#${e.revision}`, { event: e, status: state.status });
    }
  }
  const problems: string[] = [];
  acks.forEach((ack, i) => {
    const what = `${ack.request.action} on ${ack.id}${ack.retried ? ' (retried after restart)' : ''} answered revision ${ack.revision} position ${ack.position}`;
    const found = at.get(`recommendation-${ack.id}#${ack.revision}`);
    if (ack.request.id !== null && ack.request.id !== ack.id) problems.push(`${i} ${what}: answer names another item`);
    else if (!found) problems.push(`${i} LOST: ${what}, but the log has no such event`);
    else if (found.event.type !== EVENT_OF[ack.request.action])
      problems.push(`${i} ${what}: the log has ${found.event.type} there`);
    else if (found.event.position !== ack.position)
      problems.push(`${i} ${what}: the log has it at position ${found.event.position}`);
    else if (found.status !== ack.status) problems.push(`${i} ${what} status ${ack.status}: the log gives ${found.status}`);
  });
  return problems;
}

export { pause };
