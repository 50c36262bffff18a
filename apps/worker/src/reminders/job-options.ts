import type { JobsOptions, KeepJobs } from 'bullmq';

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
