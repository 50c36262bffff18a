/**
 * Reminders at scale, on a Redis of its own (spawned on a free port, no persistence, noeviction;
 * REDIS_URL when redis-server cannot be started):
 * - schedules N reminders as the service does (planDeadline, DeadlineJobs.add: payload, job id,
 *   DEFAULT_JOB_OPTIONS, far-future delay), next to bare `queue.add('x', {}, { delay })`, both
 *   with the same number of adds in flight; and what each pending reminder costs Redis;
 * - fires F of them through the real processing path (DeadlinesProcessor built with `new` on a
 *   SqliteEventStore seeded with F assigned items, ReminderSent recorded with its hash chain,
 *   notify jobs enqueued to a queue nobody consumes), on the queue that still holds the N pending
 *   ones, next to a bare BullMQ Worker running no-op jobs with the same concurrency:
 *   a burst (all due at one instant) gives the rate, a window (due over 3 s) the lateness.
 * Usage: npm run bench:reminders [-- --quick] [-- --scheduled 100000 --fired 10000]
 */
import Database from 'better-sqlite3';
import { Queue, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeadlineJobs } from '../apps/worker/src/reminders/deadline-jobs';
import { DEADLINES_CONCURRENCY, DeadlinesProcessor } from '../apps/worker/src/reminders/deadlines.processor';
import { Notifier } from '../apps/worker/src/reminders/notifier';
import { createLogger, Directory, loadConfig, provinceCalendar, systemClock } from '../libs/common/src';
import { EventStreamRepository, SqliteEventStore } from '../libs/event-store/src';
import { createApplication } from '../libs/application/src';
import { CURRENT_SCHEMA_VERSION, recommendationStream } from '../libs/recommendations/src';
import { JobName, parseLeads, planDeadline, QueueName, type PlannedJob } from '../libs/reminders/src';
import { formatNumber, machine, percentile, printTable, type Row } from './bench-support';

const DAY = 86_400_000;
/** Adds in flight at once, for the service's adds and for the bare ones alike. */
const IN_FLIGHT = 500;
/** The worker's concurrency, the same as the service's deadlines processor. */
const CONCURRENCY = DEADLINES_CONCURRENCY;
/** Reminders of the lateness run become due evenly over this window. */
const WINDOW_MS = 3000;
const LEADS = '3d,1d';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const elapsedSince = (started: bigint) => Number(process.hrtime.bigint() - started) / 1e9;

// ---------------------------------------------------------------- Redis of our own

interface RedisUnderTest {
  url: string;
  /** The redis-server this run started, or null when running on REDIS_URL. */
  child: ChildProcess | null;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function spawnRedis(): Promise<RedisUnderTest> {
  const port = await freePort();
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'];
  const child = spawn('redis-server', [...args, '--maxmemory-policy', 'noeviction'], { stdio: ['ignore', 'pipe', 'pipe'] });
  await new Promise<void>((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`redis-server not ready after 5 s: ${output.slice(-300)}`)), 5000);
    const settle = (error?: Error) => {
      clearTimeout(timer);
      child.stdout?.removeAllListeners('data');
      if (error) reject(error);
      else resolve();
    };
    child.once('error', (error) => settle(error));
    child.once('exit', (code) => settle(new Error(`redis-server exited with ${code}: ${output.slice(-300)}`)));
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Ready to accept connections')) settle();
    });
  });
  child.removeAllListeners('exit');
  process.once('exit', () => child.kill('SIGTERM'));
  child.stdout?.resume();
  child.stderr?.resume();
  return { url: `redis://127.0.0.1:${port}`, child };
}

async function startRedis(): Promise<RedisUnderTest> {
  try {
    return await spawnRedis();
  } catch (error) {
    const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
    console.error(`could not start redis-server (${(error as Error).message}); using ${url}, figures less isolated`);
    return { url, child: null };
  }
}

async function usedMemory(redis: Redis): Promise<number> {
  const info = await redis.info('memory');
  return Number(/used_memory:(\d+)/.exec(info)?.[1] ?? NaN);
}

async function memoryUsage(redis: Redis, key: string): Promise<number> {
  return Number(await redis.call('MEMORY', 'USAGE', key, 'SAMPLES', '0'));
}

/** On a shared Redis, removes what this run wrote (its own prefix). */
async function deletePrefix(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    if (keys.length > 0) await redis.unlink(...keys);
    cursor = next;
  } while (cursor !== '0');
}

// ---------------------------------------------------------------- adds

/** Runs `count` adds, `IN_FLIGHT` at a time; seconds taken. */
async function addAll(count: number, add: (i: number) => Promise<unknown>): Promise<number> {
  const started = process.hrtime.bigint();
  for (let start = 0; start < count; start += IN_FLIGHT) {
    await Promise.all(Array.from({ length: Math.min(IN_FLIGHT, count - start) }, (_, k) => add(start + k)));
  }
  return elapsedSince(started);
}

interface Deadline {
  recommendationId: string;
  assignmentNo: number;
  dueAt: string;
  setAt: string;
}

/** Deadlines a month or more ahead, set now: each plans one reminder per lead. */
function futureDeadlines(count: number, now: number, ids?: string[]): Deadline[] {
  return Array.from({ length: count }, (_, i) => ({
    recommendationId: ids?.[i] ?? randomUUID(),
    assignmentNo: 1,
    dueAt: new Date(now + 30 * DAY + i * 60_000).toISOString(),
    setAt: new Date(now).toISOString(),
  }));
}

const leads = parseLeads(LEADS);

/** The service's reminders of some deadlines, escalations left out. */
type PlannedReminder = Extract<PlannedJob, { name: JobName.Reminder }>;

function plannedReminders(deadlines: Deadline[]): PlannedReminder[] {
  return deadlines.flatMap((d) => planDeadline(d, leads)).filter((job): job is PlannedReminder => job.name === JobName.Reminder);
}

// ---------------------------------------------------------------- seeding

const actor = { sub: 'bench', name: 'bench', role: 'secretariat' };

/** `count` assigned items (raise, accept, assign, hash-chained), due in a month or more; their deadlines. */
async function seedAssigned(store: SqliteEventStore, count: number, now: number, directory: Directory): Promise<Deadline[]> {
  const repo = new EventStreamRepository(store, CURRENT_SCHEMA_VERSION);
  const departments = directory.data.departments.map((d) => d.code);
  const communes = directory.data.communes.map((c) => c.code);
  const deadlines = futureDeadlines(count, now);
  const batch = 200;
  for (let start = 0; start < count; start += batch) {
    await Promise.all(
      deadlines.slice(start, start + batch).map(async (deadline, k) => {
        const i = start + k;
        const id = deadline.recommendationId;
        const at = new Date(now - (1 + (i % 30)) * DAY).toISOString();
        deadline.setAt = at;
        const stream = recommendationStream(id);
        await repo.append(
          stream,
          { revision: null, lastHash: (await repo.load(stream)).lastHash },
          [
            {
              type: 'RecommendationRaised',
              data: {
                recommendationId: id,
                commune: communes[i % communes.length],
                workingGroup: 1 + (i % 9),
                sessionDate: null,
                title: `Request ${i} on staffing`,
                description: 'Invest in a centralized headquarters; second IT staff.',
                category: 'staffing',
                raisedAt: at,
                raisedBy: 'bench',
              },
            },
            { type: 'RecommendationAccepted', data: { note: null, acceptedAt: at } },
            {
              type: 'RecommendationAssigned',
              data: {
                assignmentNo: 1,
                department: departments[i % departments.length],
                dueAt: deadline.dueAt,
                dueBasis: { method: 'explicit' },
                instructions: null,
                assignedAt: at,
              },
            },
          ],
          { actor, occurredAt: at, correlationId: id, causationId: id },
        );
      }),
    );
  }
  return deadlines;
}

// ---------------------------------------------------------------- firing

interface FireResult {
  /** Jobs per second from the first job's start to the last completion (burst). */
  rate: number;
  /** Completion time minus due time (timestamp + delay), ms. */
  lateness: number[];
  completed: number;
  failures: string[];
  outcomes: Map<string, number>;
  /** True when adding the jobs took longer than the time left before they were due. */
  addsOverran: boolean;
}

/**
 * Starts a worker (the service's concurrency and connection options), adds `count` jobs due at
 * `dueAt(i)` through `add`, and waits until the worker has finished them all.
 */
async function fire(
  url: string,
  prefix: string,
  queueName: string,
  count: number,
  dueAt: (i: number) => number,
  add: (i: number, at: number) => Promise<unknown>,
  handler: (job: Job) => Promise<unknown>,
): Promise<FireResult> {
  const lateness: number[] = [];
  const failures: string[] = [];
  const outcomes = new Map<string, number>();
  let completed = 0;
  let firstStart = 0;
  let lastDone = 0;
  let finish: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (finish = resolve));
  const worker = new Worker(
    queueName,
    async (job: Job) => {
      firstStart ||= Date.now();
      const outcome = await handler(job);
      const now = Date.now();
      lateness.push(now - (job.timestamp + (job.opts.delay ?? 0)));
      outcomes.set(String(outcome), (outcomes.get(String(outcome)) ?? 0) + 1);
      lastDone = now;
      if (++completed === count) finish();
      return outcome;
    },
    { connection: { url, maxRetriesPerRequest: null }, prefix, concurrency: CONCURRENCY },
  );
  worker.on('failed', (_job, error) => failures.push(error.message));
  worker.on('error', (error) => failures.push(`worker: ${error.message}`));
  await worker.waitUntilReady();
  await addAll(count, (i) => add(i, dueAt(i)));
  const addsOverran = Date.now() > dueAt(0);
  const timeout = new Promise<void>((resolve) => setTimeout(resolve, 120_000 + count * 20).unref());
  await Promise.race([done, timeout]);
  await worker.close();
  return { rate: completed / ((lastDone - firstStart) / 1000), lateness, completed, failures, outcomes, addsOverran };
}

// ---------------------------------------------------------------- the benchmark

export async function benchReminders(scheduled: number, fired: number): Promise<Row[]> {
  const redisUnderTest = await startRedis();
  const { url } = redisUnderTest;
  const prefix = `bench${process.pid}`;
  const redis = new Redis(url, { maxRetriesPerRequest: null });
  const dir = mkdtempSync(join(tmpdir(), 'fut-bench-reminders-'));
  const queueOptions = { connection: { url, enableOfflineQueue: false, maxRetriesPerRequest: null }, prefix };
  const queues: Queue[] = [];
  const openQueue = async (name: string) => {
    const queue = new Queue(name, queueOptions);
    queues.push(queue);
    await queue.waitUntilReady();
    return queue;
  };
  const stores: SqliteEventStore[] = [];
  const cleanups: Array<() => void> = [];
  try {
    const config = loadConfig({
      REDIS_URL: url,
      QUEUE_PREFIX: prefix,
      REMINDER_LEADS: LEADS,
      // Both channels configured: each reminder enqueues a webhook and an email delivery.
      NOTIFY_WEBHOOK_URL: 'http://127.0.0.1:9/hook',
      SMTP_URL: 'smtp://127.0.0.1:9',
      LOG_LEVEL: 'silent',
    });
    const server = /redis_version:(\S+)/.exec(await redis.info('server'))?.[1];
    const hz = ((await redis.config('GET', 'hz')) as string[])[1];
    const whose = redisUnderTest.child ? 'own redis-server' : 'REDIS_URL, shared';
    // Blocked clients (a worker waiting for its next delayed job) time out on Redis's `hz` timer.
    console.log(`redis ${server} at ${url} (${whose}), hz ${hz}: delayed jobs wake within about ${1000 / Number(hz)} ms`);
    const deadlines = await openQueue(QueueName.Deadlines);
    const bare = await openQueue('bare');
    const deadlineJobs = new DeadlineJobs(deadlines, config, systemClock);
    const farDelay = (i: number) => 30 * DAY + i * 60_000;

    // Warm-up on other queues: scripts loaded, code paths compiled, connections open.
    const warmDeadlines = new DeadlineJobs(await openQueue('warm-deadlines'), config, systemClock);
    const warmBare = await openQueue('warm-bare');
    const warm = plannedReminders(futureDeadlines(500, Date.now()));
    await addAll(warm.length, (i) => warmDeadlines.add(warm[i]));
    await addAll(warm.length, (i) => warmBare.add('x', {}, { delay: farDelay(i) }));

    // Scheduling and memory: bare first, then the service's reminders, each measured alone.
    let firstBareId = '';
    const bareBefore = await usedMemory(redis);
    const bareSeconds = await addAll(scheduled, async (i) => {
      const job = await bare.add('x', {}, { delay: farDelay(i) });
      if (i === 0) firstBareId = String(job.id);
    });
    const bareBytes = ((await usedMemory(redis)) - bareBefore) / scheduled;

    const pending = futureDeadlines(Math.ceil(scheduled / leads.length), Date.now());
    const serviceBefore = await usedMemory(redis);
    const scheduleStarted = process.hrtime.bigint();
    const planned = plannedReminders(pending).slice(0, scheduled);
    await addAll(planned.length, (i) => deadlineJobs.add(planned[i]));
    const serviceSeconds = elapsedSince(scheduleStarted);
    const serviceBytes = ((await usedMemory(redis)) - serviceBefore) / planned.length;
    const bareRate = scheduled / bareSeconds;
    const serviceRate = planned.length / serviceSeconds;
    const bareHash = await memoryUsage(redis, `${prefix}:bare:${firstBareId}`);
    const serviceHash = await memoryUsage(redis, `${prefix}:${QueueName.Deadlines}:${planned[0].jobId}`);
    const pendingCounts = { service: await deadlines.getDelayedCount(), bare: await bare.getDelayedCount() };

    // Processing: F assigned items in a fresh event store, the real processor built by hand.
    const directory = Directory.load();
    const file = join(dir, 'events.sqlite');
    const seedStore = new SqliteEventStore({ file, synchronous: 'NORMAL' });
    const targets = await seedAssigned(seedStore, fired, Date.now(), directory);
    await seedStore.close();
    const store = new SqliteEventStore({ file }); // as the worker opens it: synchronous=FULL
    stores.push(store);
    const notifications = await openQueue(QueueName.Notifications); // nobody consumes it
    const notifier = new Notifier(notifications, config, directory);
    cleanups.push(() => notifier.onApplicationShutdown());
    const application = createApplication(store, { directory, calendar: provinceCalendar(), clock: systemClock });
    const processor = new DeadlinesProcessor(
      application.commands,
      application.streams,
      deadlineJobs,
      notifier,
      systemClock,
      createLogger('silent'),
    );
    const reminderOf = (lead: string) => {
      const jobs = plannedReminders(targets).filter((job) => job.payload.lead === lead);
      return (i: number, at: number) => deadlineJobs.add({ ...jobs[i], at });
    };
    const bareAdd = (i: number, at: number) => bare.add('x', {}, { delay: Math.max(0, at - Date.now()) });
    const noop = async () => 'noop';
    const real = (job: Job) => processor.process(job);
    // Due once every job of the run has surely been added (3x the measured add time, 1.5 s at least).
    const leadTime = (rate: number) => Math.max(1500, (3 * fired * 1000) / rate);
    const burst = (rate: number) => {
      const at = Date.now() + leadTime(rate);
      return () => at;
    };
    const spread = (rate: number) => {
      const start = Date.now() + leadTime(rate);
      return (i: number) => start + Math.floor((i * WINDOW_MS) / fired);
    };

    const bareBurst = await fire(url, prefix, 'bare', fired, burst(bareRate), bareAdd, noop);
    const realBurst = await fire(url, prefix, QueueName.Deadlines, fired, burst(serviceRate), reminderOf('3d'), real);
    const bareWindow = await fire(url, prefix, 'bare', fired, spread(bareRate), bareAdd, noop);
    const realWindow = await fire(url, prefix, QueueName.Deadlines, fired, spread(serviceRate), reminderOf('1d'), real);

    // What the real path left behind: one ReminderSent per fired job, one notify job per channel.
    const db = new Database(file, { readonly: true });
    const recorded = (db.prepare("SELECT count(*) AS n FROM events WHERE type = 'ReminderSent'").get() as { n: number }).n;
    db.close();
    const notifyJobs = await notifications.getWaitingCount();
    for (const [name, run] of Object.entries({ bareBurst, realBurst, bareWindow, realWindow })) {
      const outcomes = JSON.stringify(Object.fromEntries(run.outcomes));
      const failed = run.failures.length ? `; ${run.failures.length} failed attempts, first: ${run.failures[0]}` : '';
      const overran = run.addsOverran ? '; adds overran the due time (lateness includes it)' : '';
      console.log(`${name}: ${run.completed}/${fired} done ${outcomes}${failed}${overran}`);
    }
    console.log(
      `pending before firing: ${pendingCounts.service} service / ${pendingCounts.bare} bare delayed jobs; ` +
        `ReminderSent recorded: ${recorded} (expected ${2 * fired}); notify jobs waiting: ${notifyJobs} (expected ${4 * fired})`,
    );

    const p = (run: FireResult, q: number) => percentile(run.lateness, q);
    const scheduling = `schedule ${formatNumber(planned.length)}`;
    return [
      {
        scenario: 'schedule',
        figure: `bare queue.add(delay), ${IN_FLIGHT} in flight`,
        value: bareRate,
        unit: 'adds/s',
      },
      {
        scenario: 'schedule',
        figure: `${scheduling} reminders (DeadlineJobs.add)`,
        value: serviceRate,
        unit: 'adds/s',
        baseline: 'bare queue.add',
        ratio: serviceRate / bareRate,
      },
      { scenario: 'memory', figure: 'bare delayed job (used_memory Δ)', value: bareBytes, unit: 'B' },
      {
        scenario: 'memory',
        figure: 'per pending reminder (used_memory Δ)',
        value: serviceBytes,
        unit: 'B',
        baseline: 'bare delayed job',
        ratio: serviceBytes / bareBytes,
      },
      { scenario: 'memory', figure: 'MEMORY USAGE, bare job hash', value: bareHash, unit: 'B' },
      {
        scenario: 'memory',
        figure: 'MEMORY USAGE, reminder job hash',
        value: serviceHash,
        unit: 'B',
        baseline: 'bare job hash',
        ratio: serviceHash / bareHash,
      },
      {
        scenario: 'fire',
        figure: `bare Worker, no-op, c=${CONCURRENCY} (burst)`,
        value: bareBurst.rate,
        unit: 'jobs/s',
      },
      {
        scenario: 'fire',
        figure: `${formatNumber(fired)} reminders, DeadlinesProcessor (burst)`,
        value: realBurst.rate,
        unit: 'jobs/s',
        baseline: 'bare Worker no-op',
        ratio: realBurst.rate / bareBurst.rate,
      },
      { scenario: 'lateness', figure: `bare, due over ${WINDOW_MS / 1000} s, p50`, value: p(bareWindow, 50), unit: 'ms' },
      { scenario: 'lateness', figure: 'bare p99', value: p(bareWindow, 99), unit: 'ms' },
      {
        scenario: 'lateness',
        figure: `reminders, due over ${WINDOW_MS / 1000} s, p50`,
        value: p(realWindow, 50),
        unit: 'ms',
        baseline: 'bare p50',
        ratio: p(realWindow, 50) / p(bareWindow, 50),
      },
      {
        scenario: 'lateness',
        figure: 'reminders p99',
        value: p(realWindow, 99),
        unit: 'ms',
        baseline: 'bare p99',
        ratio: p(realWindow, 99) / p(bareWindow, 99),
      },
    ];
  } finally {
    for (const cleanup of cleanups) cleanup();
    await Promise.all(queues.map((q) => q.close()));
    for (const store of stores) await store.close();
    if (!redisUnderTest.child) await deletePrefix(redis, prefix).catch(() => undefined);
    redis.disconnect();
    redisUnderTest.child?.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  const quick = process.argv.includes('--quick');
  const scheduled = arg('scheduled', quick ? 10_000 : 100_000);
  const fired = arg('fired', quick ? 1_000 : 10_000);
  const started = process.hrtime.bigint();
  void benchReminders(scheduled, fired).then(
    (rows) => {
      console.log(`machine: ${JSON.stringify(machine())}; ${scheduled} scheduled, ${fired} fired`);
      printTable(rows);
      console.log(`wall time ${elapsedSince(started).toFixed(1)} s`);
    },
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
