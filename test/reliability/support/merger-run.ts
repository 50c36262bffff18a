import Database from 'better-sqlite3';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { mintToken } from '@app/common';
import { EventStreamRepository, SqliteEventStore } from '@app/event-store';
import {
  CURRENT_SCHEMA_VERSION,
  decide,
  evolve,
  initialState,
  recommendationStream,
  type Actor,
  type RecommendationCommand,
  type RecommendationState,
} from '@app/recommendations';
import { exited, onLines, spawnTs } from '../../support/child-process';
import { until } from '../../support/poll';
import { deleteKeys } from '../../support/test-app';
import { department as officer, secretariat } from '../../../libs/recommendations/src/testing/recommendation.builder';
import type { JobView } from '../../../apps/api/src/jobs/background-jobs';
import { REL_SECRET } from './crash-run';

export type { JobView };
import { eventsFile } from './event-log';
import { ServiceProcess } from './service';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

const SECRETARIAT = secretariat();

/** What was written into the log before the processes started. */
export interface Seeded {
  /** Open (assigned) items of the merged department: the merger must move each of them once. */
  moving: string[];
  /** Items the merger must leave alone: resolved in the merged department, or open elsewhere. */
  untouched: string[];
}

/**
 * Writes items into a fresh embedded store, each event decided by the domain's own `decide` and
 * appended through the service's EventStreamRepository (metadata, hash chain), one append per
 * command, as the API would have written them: `open` items raised, accepted and assigned to
 * `from`; `resolvedInFrom` more assigned to `from` and resolved by it; `elsewhere` assigned to
 * `other`. Faster than 3,000 HTTP commands, and the log holds only what the service could write.
 */
export async function seedItems(
  dataDir: string,
  counts: { open: number; resolvedInFrom: number; elsewhere: number },
  departments: { from: string; other: string },
): Promise<Seeded> {
  const store = new SqliteEventStore({ file: eventsFile(dataDir) });
  const repository = new EventStreamRepository(store, CURRENT_SCHEMA_VERSION);
  const now = Date.now();
  const at = (minutesAgo: number) => new Date(now - minutesAgo * 60_000).toISOString();
  const dueAt = new Date(now + 30 * 86_400_000).toISOString();

  type Step = { actor: Actor; now: string; input: Record<string, unknown> & { type: RecommendationCommand['type'] } };
  const lifeOf = (i: number, department: string, resolve: boolean): Step[] => [
    {
      actor: SECRETARIAT,
      now: at(60),
      input: {
        type: 'RaiseRecommendation',
        commune: 'dong-kinh',
        workingGroup: 1,
        sessionDate: null,
        title: `Recommendation ${i}: a second IT officer for the commune`,
        description: 'Raised at the working session with the provincial leaders; see the minutes.',
        category: 'staffing',
        session: null,
        attachments: [],
      },
    },
    { actor: SECRETARIAT, now: at(50), input: { type: 'AcceptRecommendation', note: null } },
    {
      actor: SECRETARIAT,
      now: at(40),
      input: {
        type: 'AssignRecommendation',
        department,
        due: { dueAt, basis: { method: 'explicit' } },
        instructions: null,
        coordinating: [],
      },
    },
    ...(resolve
      ? [
          {
            actor: officer(department),
            now: at(30),
            input: { type: 'ResolveRecommendation' as const, resolution: 'Done.', attachments: [], document: null },
          },
        ]
      : []),
  ];

  const write = async (id: string, steps: Step[]) => {
    const stream = recommendationStream(id);
    let state: RecommendationState = initialState;
    for (const step of steps) {
      const command = { ...step.input, recommendationId: id, actor: step.actor, now: step.now } as RecommendationCommand;
      const events = decide(command, state);
      for (const e of events) state = evolve(state, e);
      const commandId = randomUUID();
      await repository.append(stream, await repository.load(stream), events, {
        actor: { ...step.actor },
        occurredAt: step.now,
        correlationId: commandId,
        causationId: commandId,
      });
    }
  };

  const plan: Array<{ id: string; steps: Step[]; moving: boolean }> = [];
  for (let i = 0; i < counts.open; i++) plan.push({ id: randomUUID(), steps: lifeOf(i, departments.from, false), moving: true });
  for (let i = 0; i < counts.resolvedInFrom; i++)
    plan.push({ id: randomUUID(), steps: lifeOf(counts.open + i, departments.from, true), moving: false });
  for (let i = 0; i < counts.elsewhere; i++)
    plan.push({
      id: randomUUID(),
      steps: lifeOf(counts.open + counts.resolvedInFrom + i, departments.other, false),
      moving: false,
    });
  try {
    // A few hundred items at a time: the store commits concurrent appends in groups.
    for (let start = 0; start < plan.length; start += 200) {
      await Promise.all(plan.slice(start, start + 200).map((p) => write(p.id, p.steps)));
    }
  } finally {
    await store.close();
  }
  return { moving: plan.filter((p) => p.moving).map((p) => p.id), untouched: plan.filter((p) => !p.moving).map((p) => p.id) };
}

/**
 * A worker process (`apps/worker/src/main.ts`: projections and queues, no HTTP). Its output is
 * read line by line (a pipe nobody reads would block it) and the last lines kept for reports.
 */
export class WorkerProcess {
  readonly lines: string[] = [];
  readonly spawnedAt = Date.now();
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly started: Promise<number>;

  constructor(env: Record<string, string>) {
    this.child = spawnTs('apps/worker/src/main.ts', [], env);
    const keep = (line: string) => {
      this.lines.push(line);
      if (this.lines.length > 300) this.lines.splice(0, this.lines.length - 300);
    };
    this.started = new Promise((resolve, reject) => {
      onLines(this.child, (line) => {
        keep(line);
        if (line.includes('Follow-up Tracker worker started')) resolve(Date.now());
      });
      this.child.once('exit', (code, signal) =>
        reject(new Error(`the worker exited (${code ?? signal}) before it started:\n${this.tail()}`)),
      );
    });
    this.started.catch(() => undefined);
    createInterface({ input: this.child.stderr }).on('line', keep);
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Resolves with the instant the start line was printed. */
  ready(timeoutMs = 40_000): Promise<number> {
    return Promise.race([
      this.started,
      new Promise<never>((_, reject) =>
        setTimeout(
          () => reject(new Error(`the worker did not start within ${timeoutMs} ms:\n${this.tail()}`)),
          timeoutMs,
        ).unref(),
      ),
    ]);
  }

  /** SIGKILL: no shutdown hook, no lock released, the running job left active in Redis. */
  async kill(): Promise<void> {
    if (!this.alive) return;
    const done = exited(this.child);
    this.child.kill('SIGKILL');
    await done;
  }

  tail(lines = 40): string {
    return this.lines.slice(-lines).join('\n');
  }
}

/**
 * One merger experiment on REAL processes: an API process and a separate worker process on one
 * fresh data folder (embedded store), with their own queue prefix in the local Redis.
 */
export class MergerRun {
  readonly dataDir = mkdtempSync(join(tmpdir(), 'fut-rel-merger-'));
  readonly prefix = `relm${randomUUID().slice(0, 8)}`;
  api!: ServiceProcess;
  readonly workers: WorkerProcess[] = [];
  admin!: { cookie: string; csrf: string };
  private log: Database.Database | null = null;

  env(extra: Record<string, string> = {}): Record<string, string> {
    return {
      NODE_ENV: 'test',
      DATA_DIR: this.dataDir,
      AUTH_JWT_SECRET: REL_SECRET,
      REDIS_URL,
      QUEUE_PREFIX: this.prefix,
      REMINDERS: 'off',
      THROTTLE_LIMIT: '100000000',
      LOG_LEVEL: 'warn',
      ...extra,
    };
  }

  /** Starts the API process, and sets up the first administrator from the link of its start log. */
  async startApi(): Promise<void> {
    this.api = await ServiceProcess.start(this.env(), { entry: 'apps/api/src/main.ts' });
    const token = await until(
      // The whole line, not a token cut short by a chunk of output that has not arrived yet.
      () => /\/app\/setup#token=([A-Za-z0-9_-]+) to create one/.exec(this.api.tail(1000))?.[1],
      'the setup link in the start log of the API process',
      { timeoutMs: 10_000 },
    );
    const res = await fetch(`${this.api.url}/auth/setup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token, username: 'admin', name: 'Quản trị viên', password: 'mật khẩu quản trị 2026' }),
    });
    const body = (await res.json()) as { csrfToken?: string };
    const cookie = res.headers
      .getSetCookie()
      .find((c) => c.startsWith('fut_session='))
      ?.split(';')[0];
    if (res.status !== 201 || !cookie || !body.csrfToken) {
      throw new Error(`POST /auth/setup: ${res.status} ${JSON.stringify(body)}\n${this.api.tail()}`);
    }
    this.admin = { cookie, csrf: body.csrfToken };
  }

  /** Spawns a worker process (info level: its start line says when it runs). */
  startWorker(): WorkerProcess {
    const worker = new WorkerProcess(this.env({ LOG_LEVEL: 'info' }));
    this.workers.push(worker);
    return worker;
  }

  /** POST /admin/directory/departments/:from/merge-into as the administrator; the job's id. */
  async merge(from: string, into: string, reason: string): Promise<string> {
    const res = await fetch(`${this.api.url}/admin/directory/departments/${from}/merge-into`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: this.admin.cookie, 'x-csrf-token': this.admin.csrf },
      body: JSON.stringify({ into, reason }),
    });
    const body = (await res.json()) as { jobId?: string };
    if (res.status !== 202 || !body.jobId) throw new Error(`POST merge-into: ${res.status} ${JSON.stringify(body)}`);
    return body.jobId;
  }

  /** GET /jobs/:id as the administrator. */
  async job(id: string): Promise<JobView> {
    const res = await fetch(`${this.api.url}/jobs/${id}`, {
      headers: { cookie: this.admin.cookie },
      signal: AbortSignal.timeout(5000),
    });
    const body = (await res.json()) as JobView;
    if (res.status !== 200) throw new Error(`GET /jobs/${id}: ${res.status} ${JSON.stringify(body)}`);
    return body;
  }

  /** GET /directory with an auditor's token. */
  async directory(): Promise<{ departments: Array<{ code: string; retired: boolean }> }> {
    const token = await mintToken(REL_SECRET, { sub: 'auditor-1', role: 'auditor' });
    const res = await fetch(`${this.api.url}/directory`, { headers: { authorization: `Bearer ${token}` } });
    if (res.status !== 200) throw new Error(`GET /directory: ${res.status} ${await res.text()}`);
    return (await res.json()) as { departments: Array<{ code: string; retired: boolean }> };
  }

  /** AssignmentTransferred events committed to the log file so far (read-only, cheap to poll). */
  transfersInLog(): number {
    this.log ??= new Database(eventsFile(this.dataDir), { readonly: true, fileMustExist: true });
    return (this.log.prepare("SELECT count(*) AS n FROM events WHERE type = 'AssignmentTransferred'").get() as { n: number }).n;
  }

  async close(): Promise<void> {
    this.log?.close();
    this.log = null;
    await Promise.all(this.workers.map((w) => w.kill()));
    await this.api?.kill();
    await deleteKeys(REDIS_URL, `${this.prefix}:*`);
    if (!process.env.REL_KEEP_DATA) rmSync(this.dataDir, { recursive: true, force: true });
  }
}
