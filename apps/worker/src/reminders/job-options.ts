import type { JobsOptions } from 'bullmq';

const DAY_SECONDS = 86_400;

/** Every job retries with exponential backoff; finished jobs are kept for a bounded time and count. */
export const DEFAULT_JOB_OPTIONS: JobsOptions = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 1000 },
  // Completed jobs stay a week so that re-adding the same id (two schedulers, a reconcile) is a no-op.
  removeOnComplete: { age: 7 * DAY_SECONDS, count: 50_000 },
  removeOnFail: { age: 30 * DAY_SECONDS, count: 50_000 },
};
