import type { JobsOptions, KeepJobs, WorkerOptions } from 'bullmq';

const DAY_SECONDS = 86_400;

/** Every job retries with exponential backoff. */
export const DEFAULT_JOB_OPTIONS: JobsOptions = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 1000 },
};

/**
 * How long finished jobs are kept, set on the workers rather than on each job, so that a pending
 * reminder does not carry it in Redis. Completed jobs stay a week so that re-adding the same id
 * (two schedulers, a reconcile) is a no-op; failed ones a month, for inspection.
 */
export const KEEP_FINISHED: { removeOnComplete: KeepJobs; removeOnFail: KeepJobs } = {
  removeOnComplete: { age: 7 * DAY_SECONDS, count: 50_000 },
  removeOnFail: { age: 30 * DAY_SECONDS, count: 50_000 },
};

/**
 * Brings back promptly the jobs a crashed process was running. With BullMQ's defaults (a 30 s
 * lock, a stalled check every 30 s) they wait a minute or more; here a running job's
 * lock lasts 6 s and is renewed every 3 s (half of it), and the stalled check runs every 3 s: a
 * check marks the jobs it finds running, the next one moves back to wait those whose lock is
 * gone, so a job whose worker died runs again about 10 s after the crash. An event loop blocked
 * for 3 s would let a job run twice at once, which is harmless: deadline jobs and deliveries are
 * idempotent (event ids derived from the job, one outcome per delivery, the same delivery id at
 * each try). A job runs again after up to two stalls (a crash, and a second crash or such a
 * block); a third fails it, and the reconcile that follows decides afresh from the log: it plans
 * the job again only if its reminder still applies, enqueues a delivery again only while it has
 * no outcome.
 */
export const RECOVER_PROMPTLY: Pick<WorkerOptions, 'lockDuration' | 'stalledInterval' | 'maxStalledCount'> = {
  lockDuration: 6_000,
  stalledInterval: 3_000,
  maxStalledCount: 2,
};

/** Why BullMQ fails a job that stalled more than `maxStalledCount` times. */
export const STALLED_TOO_OFTEN = 'job stalled more than allowable limit';
