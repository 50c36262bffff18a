import { pause, until } from '../support/poll';
import { CrashRun, REDIS_URL, type AtKill, type Verification, type WatcherReport } from './support/crash-run';
import { firstOf, readLog } from './support/event-log';
import { QueueWatch } from './support/queues';
import { seedFromEnv } from './support/random';

/**
 * "Nothing acknowledged is lost, nothing happens twice" under SIGKILL. The REAL service runs in a
 * child process (both roles: API, projections, reminders on BullMQ with leads of 2 s and 1 s and
 * an escalation every second) while 200 clients drive items through their lifecycle. It is killed
 * at a random moment / while the read models lag behind committed commands and then right after a
 * projection batch commits (a watcher process polling the files strikes at that instant) / while a
 * deadline job is being processed, restarted on the same data folder, brought to rest, and then:
 * - every command that got a 2xx is in the log, at the answered revision and position, with the
 *   event type it appends (clients whose request the crash left unanswered retry it with their
 *   Idempotency-Key, as they should);
 * - no event twice: unique ids, revisions 0..n per stream, no reminder or escalation twice for one
 *   assignment and due date, no request or Idempotency-Key behind two events;
 * - each stream replays through `decide` (a valid history); every webhook notice delivered is an
 *   event in the log; every delivery of a notice ends in exactly one recorded outcome;
 * - the deadline jobs running at the kill run again within 20 s of the restart, found by the new
 *   process's own stalled checks (nothing helps BullMQ along);
 * - verifyLog passes (hash chains and the checkpoints signed by the killed process);
 * - the read models, caught up (GET /health lag 0), equal a full rebuild row for row.
 * `REL_SEED=<seed>` replays a run's choices; `REL_KEEP_DATA=1` keeps the data folders.
 */
jest.setTimeout(120_000);

const CLIENTS = 200;

function report(name: string, seed: number, atKill: AtKill, run: CrashRun, v: Verification): void {
  const jobs = atKill.runningJobs.map((j) => `${j.queue}:${j.ids.length}`).join(' ');
  console.log(
    [
      `[crash: ${name}] seed=${seed} killed at +${atKill.atMs} ms; at the kill: head=${atKill.head} read-model checkpoint=${atKill.checkpoint} ` +
        `projection lag=${atKill.lag} reminder-scheduler lag=${atKill.schedulerLag}, ${atKill.acked} acknowledged, ${atKill.unanswered} unanswered, jobs running ${jobs}`,
      `  acknowledged=${v.acked} (of which ${v.retriedAcked} retried after restart) found=${v.found}; ` +
        `log: ${v.events} events in ${v.streams} streams, head ${v.head}; audit ok=${v.audit.ok} checkpoints=${v.audit.checkpoints}; ` +
        `webhook deliveries=${v.deliveries} (ids delivered more than once: ${v.duplicateDeliveries}), outcomes recorded=${v.outcomes}`,
      `  read models: live at ${v.readModels.livePosition}, rebuilt at ${v.readModels.rebuiltPosition}, rows ${JSON.stringify(v.readModels.rows)}`,
      `  ${run.summary()}`,
    ].join('\n'),
  );
}

function expectPromiseKept(v: Verification): void {
  expect(firstOf(v.ackProblems)).toEqual([]);
  expect(v.found).toBe(v.acked);
  expect(firstOf(v.structural)).toEqual([]);
  expect(firstOf(v.replay)).toEqual([]);
  expect(v.audit.failures.slice(0, 10)).toEqual([]);
  expect(v.audit.ok).toBe(true);
  expect(v.audit.events).toBe(v.events);
  expect(firstOf(v.deliveryProblems)).toEqual([]);
  expect(firstOf(v.outcomeProblems)).toEqual([]);
  expect(v.readModels.differences).toEqual({});
  expect(v.readModels.livePosition).toBe(v.head);
  expect(v.readModels.rebuiltPosition).toBe(v.head);
}

/** Restart, retry what was unanswered, let the service come to rest, and check everything. */
async function recoverAndVerify(run: CrashRun, name: string, seed: number, atKill: AtKill) {
  await run.restart();
  await run.retryUnanswered();
  await run.settle();
  const v = await run.verify();
  report(name, seed, atKill, run, v);
  return v;
}

/**
 * Whether the event of a deadline job (`reminder-<id>-<assignment>-<lead>` or
 * `escalation-<id>-<assignment>-<level>`) is already in the log: a job killed after that point
 * is the one whose re-run could record it twice.
 */
function alreadyRecorded(dataDir: string, jobId: string): boolean {
  const match = /^(reminder|escalation)-(.+)-(\d+)-([^-]+)$/.exec(jobId);
  if (!match) return false;
  const [, kind, id, assignmentNo, which] = match;
  return readLog(dataDir).some(
    (e) =>
      e.stream === `recommendation-${id}` &&
      e.data.assignmentNo === Number(assignmentNo) &&
      (kind === 'reminder'
        ? e.type === 'ReminderSent' && e.data.lead === which
        : e.type === 'DeadlineEscalated' && e.data.level === Number(which)),
  );
}

describe('crash under load (SIGKILL of the real service)', () => {
  let run: CrashRun | null = null;
  afterEach(async () => {
    await run?.close();
    run = null;
  });

  it('at a random moment: nothing acknowledged is lost, nothing happens twice, read models equal a rebuild', async () => {
    const seed = seedFromEnv();
    run = await CrashRun.start('random moment', seed, { clients: CLIENTS });
    const killAfterMs = run.rng.int(1000, 3500);
    console.log(`[crash: random moment] seed=${seed}: SIGKILL ${killAfterMs} ms after the load starts`);
    run.startLoad();
    await pause(killAfterMs);
    const atKill = await run.kill();
    expect(atKill.acked).toBeGreaterThan(0);

    const v = await recoverAndVerify(run, 'random moment', seed, atKill);
    expectPromiseKept(v);
  });

  it('during projection batches: killed while the read models lag, then right after a batch commits; they equal a rebuild', async () => {
    const seed = seedFromEnv();
    run = await CrashRun.start('projection batch', seed, { clients: CLIENTS });
    const r = run;
    const describe = (w: WatcherReport, atKill: AtKill) =>
      `the watcher saw head=${w.head} checkpoint=${w.checkpoint} (batch just committed: ${w.batch} events, ` +
      `lag before it ${w.lagBeforeBatch}, max lag seen ${w.maxLag}${w.timedOut ? ', TIMED OUT' : ''}); ` +
      `after death: ${atKill.lag} events committed but not projected (+${atKill.atMs} ms, ${atKill.acked} acknowledged so far)`;

    // Crash 1: while the log is ahead of the read models (a burst committed, not yet projected).
    // A kill that lands just after the runner caught up proves nothing here: try again.
    let first: AtKill | null = null;
    for (let attempt = 1; attempt <= 3 && !(first && first.lag > 0); attempt++) {
      const report = await r.watchAndKill('lag', 25);
      r.startLoad();
      const w = await report();
      first = await r.kill();
      console.log(`[crash: projection batch] seed=${seed} kill 1.${attempt} (read models lagging): ${describe(w, first)}`);
      await r.restart();
      await r.retryUnanswered();
    }
    expect(first?.lag).toBeGreaterThan(0);

    // Crash 2: right after a projection batch of 20+ events committed, while the next one is
    // being applied; the rows and the checkpoint of a batch must be one transaction.
    const report = await r.watchAndKill('batch', 20);
    r.startLoad();
    const w = await report();
    const second = await r.kill();
    console.log(`[crash: projection batch] seed=${seed} kill 2 (right after a batch commit): ${describe(w, second)}`);
    expect(w.hit).toBe(true);

    const v = await recoverAndVerify(r, 'projection batch', seed, second);
    expectPromiseKept(v);
  });

  it('while a reminder job is being processed: no reminder or escalation recorded twice', async () => {
    const seed = seedFromEnv();
    run = await CrashRun.start('reminder job', seed, { clients: CLIENTS });
    const r = run;
    const delivered = r.firstDelivery();
    r.startLoad();
    // The first notice delivered: reminders are flowing. Then kill while a deadline job is held by
    // the worker (recording its ReminderSent/DeadlineEscalated, or just after, not yet completed).
    // Under this load the reminder scheduler lags far behind the log (it turns events into jobs one
    // at a time), so the first reminders may take 20 s or more to be scheduled at all.
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('no webhook delivery within 45 s')), 45_000);
    });
    await Promise.race([delivered, late]).finally(() => clearTimeout(timer));
    const watch = new QueueWatch(REDIS_URL, r.prefix);
    try {
      await until(async () => (await watch.active('deadlines')).length > 0, 'a deadline job to be running', {
        timeoutMs: 10_000,
        intervalMs: 2,
      });
    } finally {
      watch.close();
    }
    const atKill = await r.kill();
    const running = atKill.runningJobs.find((j) => j.queue === 'deadlines')?.ids ?? [];
    const recorded = running.filter((job) => alreadyRecorded(r.dataDir, job));
    console.log(
      `[crash: reminder job] seed=${seed}: SIGKILL at +${atKill.atMs} ms (first webhook delivery, then a deadline job running); ` +
        `deadline jobs running: ${running.length}, of which ${recorded.length} had already recorded their event ${JSON.stringify(running.slice(0, 4))}`,
    );
    expect(running.length).toBeGreaterThan(0);

    await r.restart();
    // The jobs the dead worker was running run again once their locks lapse and the new worker's
    // stalled checks find them, within 20 s of the restart: each must find its event already
    // recorded and record nothing twice.
    const rerun = await r.rerunJobs(atKill, 'deadlines', 20_000);
    console.log(`[crash: reminder job] after restart, the jobs running at the kill ended as ${JSON.stringify(rerun)}`);
    // Reminders due while the service was down fire now; let a few escalation rounds run.
    await pause(2500);
    await r.retryUnanswered();
    await r.settle();
    const v = await r.verify();
    report('reminder job', seed, atKill, r, v);
    expectPromiseKept(v);
  });
});
