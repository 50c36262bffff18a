import { byStream, firstOf, readLog, replayProblems, structuralProblems } from './support/event-log';
import { MergerRun, seedItems, type JobView } from './support/merger-run';
import { until } from '../support/poll';

/*
 * ACCEPTANCE: a merger of a department with 1,000 open items moves all of them exactly once even
 * when the worker is killed halfway and restarted.
 *
 * REAL processes on one data folder: an API process (`apps/api/src/main.ts`) and a separate worker
 * process (`apps/worker/src/main.ts`), sharing the embedded store and a queue prefix of their own
 * in the local Redis. The administrator (set up from the link of the API's start log) merges the
 * department; once GET /jobs/:id reports at least 300 items done the worker is SIGKILLed — no
 * shutdown hook, its lock left in Redis. A new worker process starts; BullMQ's stalled check
 * gives the job back (lock 6 s, check every 3 s) and the re-run finishes it. The proof is read
 * from the log file itself: one AssignmentTransferred per item, none elsewhere.
 *
 * REL_KEEP_DATA=1 keeps the data folder.
 */

const FROM = 'ethnic-minorities-religions';
const INTO = 'home-affairs';
const OTHER = 'finance';
const OPEN = 1000;
const KILL_AT = 300;
const REASON = 'Nghị quyết sáp nhập số 12/NQ-HĐND';

describe('department merger: the worker killed halfway', () => {
  const run = new MergerRun();

  afterAll(() => run.close(), 30_000);

  it(`moves each of ${OPEN} open items exactly once across a SIGKILL of the worker and a restart`, async () => {
    const startedAt = Date.now();
    const seeded = await seedItems(run.dataDir, { open: OPEN, resolvedInFrom: 10, elsewhere: 20 }, { from: FROM, other: OTHER });
    expect(seeded.moving).toHaveLength(OPEN);

    await run.startApi();
    const first = run.startWorker();
    await first.ready();

    const jobId = await run.merge(FROM, INTO, REASON);
    expect(jobId).toMatch(/^merger-[0-9a-f-]+$/);

    // Kill at the first progress report at or past KILL_AT. The job must not be done by then: the
    // point of the test is a kill in the middle of it.
    let lastSeen: JobView | null = null;
    const seen = await until(
      async () => {
        const view = await run.job(jobId);
        lastSeen = view;
        return view.status === 'completed' || view.status === 'failed' || view.done >= KILL_AT ? view : null;
      },
      `the merger job to report ${KILL_AT} items done`,
      { timeoutMs: 90_000, intervalMs: 10 },
    ).catch((error: Error) => {
      throw new Error(`${error.message}; last view ${JSON.stringify(lastSeen)}\n${first.tail()}`, { cause: error });
    });
    await first.kill();
    const killedAt = Date.now();
    expect({ status: seen.status, total: seen.total }).toEqual({ status: 'running', total: OPEN });

    // What the dead worker left: items moved in the log, the job still active in Redis.
    const movedAtKill = run.transfersInLog();
    const viewAtKill = await run.job(jobId);
    expect(movedAtKill).toBeGreaterThanOrEqual(KILL_AT);
    expect(movedAtKill).toBeLessThan(OPEN);
    expect(viewAtKill.status).toBe('running');
    expect(viewAtKill.done).toBeLessThanOrEqual(movedAtKill);

    // A new worker process; the job comes back once the dead one's lock has expired.
    const second = run.startWorker();
    const secondStartedAt = await second.ready();
    const resumedAt = await until(
      () => (run.transfersInLog() > movedAtKill ? Date.now() : null),
      'the restarted worker to move the next item',
      { timeoutMs: 45_000, intervalMs: 20 },
    ).catch((error: Error) => {
      throw new Error(`${error.message}\n${second.tail()}`, { cause: error });
    });
    const final = await until(
      async () => {
        const view = await run.job(jobId);
        return view.status === 'completed' || view.status === 'failed' ? view : null;
      },
      'the merger job to finish',
      { timeoutMs: 60_000, intervalMs: 100 },
    ).catch(async (error: Error) => {
      throw new Error(`${error.message}; view ${JSON.stringify(await run.job(jobId))}\n${second.tail()}`, { cause: error });
    });
    const completedAt = Date.now();
    expect(final).toEqual({
      id: jobId,
      kind: 'merge-department',
      status: 'completed',
      total: OPEN,
      done: OPEN,
      failed: 0,
      errors: [],
    });

    // The log itself: exactly one AssignmentTransferred per open item of FROM, citing this merger,
    // to INTO; none on any other item; the log a valid history, nothing in it twice.
    const log = readLog(run.dataDir);
    const streams = byStream(log);
    const problems: string[] = [];
    for (const id of seeded.moving) {
      const transfers = (streams.get(`recommendation-${id}`) ?? []).filter((e) => e.type === 'AssignmentTransferred');
      if (transfers.length !== 1) {
        problems.push(`${id}: ${transfers.length} AssignmentTransferred`);
        continue;
      }
      const { data } = transfers[0];
      if (data.mergerId !== jobId || data.fromDepartment !== FROM || data.department !== INTO || data.assignmentNo !== 1)
        problems.push(`${id}: ${JSON.stringify(data)}`);
    }
    const moving = new Set(seeded.moving.map((id) => `recommendation-${id}`));
    for (const e of log)
      if (e.type === 'AssignmentTransferred' && !moving.has(e.stream))
        problems.push(`${e.stream}: moved, but it was not to move`);
    expect(firstOf(problems)).toEqual([]);
    expect(log.filter((e) => e.type === 'AssignmentTransferred')).toHaveLength(OPEN);
    expect(firstOf(structuralProblems(log))).toEqual([]);
    expect(firstOf(replayProblems(log))).toEqual([]);

    const { departments } = await run.directory();
    expect(departments.find((d) => d.code === FROM)?.retired).toBe(true);
    expect(departments.find((d) => d.code === INTO)?.retired).toBe(false);

    const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
    console.log(
      `[merger-crash] ${OPEN} items: worker SIGKILLed at done=${seen.done} (last progress ${viewAtKill.done}, ${movedAtKill} moved in the log), ` +
        `new worker started ${s(secondStartedAt - killedAt)} after the kill, moving again ${s(resumedAt - killedAt)} after it, ` +
        `completed ${s(completedAt - killedAt)} after it; every item moved exactly once; total ${s(completedAt - startedAt)}`,
    );
  }, 180_000);
});
