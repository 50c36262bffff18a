import { Redis } from 'ioredis';

export interface ActiveJobs {
  queue: string;
  ids: string[];
}

/**
 * After a SIGKILL, the jobs the dead worker was running stay in BullMQ's `active` list under a
 * lock that expires only after `lockDuration` (30 s); the next worker then needs two stalled
 * checks (30 s apart) to run them again. This does what those 60 s would do, at once: drops the
 * dead worker's locks and marks its jobs as stalled, so the restarted worker's first stalled
 * check (at its start) moves them back to wait and runs them again — the re-run a crash causes.
 * Only for a queue whose workers are all dead. Returns the jobs found running.
 */
export async function expireDeadWorkerLocks(redisUrl: string, prefix: string, queues: string[]): Promise<ActiveJobs[]> {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1, lazyConnect: true });
  await redis.connect();
  try {
    const found: ActiveJobs[] = [];
    for (const queue of queues) {
      const key = (suffix: string) => `${prefix}:${queue}:${suffix}`;
      const ids = (await redis.lrange(key('active'), 0, -1)).filter((id) => !id.startsWith('0:'));
      for (const id of ids) await redis.del(key(`${id}:lock`));
      if (ids.length > 0) await redis.sadd(key('stalled'), ...ids);
      await redis.del(key('stalled-check'));
      found.push({ queue, ids });
    }
    return found;
  } finally {
    redis.disconnect();
  }
}

/** The BullMQ state of each job (`completed`, `failed`, `active`, `wait`, `delayed`, or `missing`). */
export async function jobStates(redisUrl: string, prefix: string, queue: string, ids: string[]): Promise<Record<string, string>> {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1, lazyConnect: true });
  await redis.connect();
  try {
    const key = (suffix: string) => `${prefix}:${queue}:${suffix}`;
    const states: Record<string, string> = {};
    for (const id of ids) {
      if ((await redis.zscore(key('completed'), id)) !== null) states[id] = 'completed';
      else if ((await redis.zscore(key('failed'), id)) !== null) states[id] = 'failed';
      else if ((await redis.zscore(key('delayed'), id)) !== null) states[id] = 'delayed';
      else if ((await redis.lpos(key('active'), id)) !== null) states[id] = 'active';
      else if ((await redis.lpos(key('wait'), id)) !== null) states[id] = 'wait';
      else if ((await redis.exists(key(id))) === 0) states[id] = 'missing';
      else states[id] = 'other';
    }
    return states;
  } finally {
    redis.disconnect();
  }
}

/** A Redis connection to poll a queue's running jobs quickly from the test. */
export class QueueWatch {
  private readonly redis: Redis;

  constructor(
    redisUrl: string,
    private readonly prefix: string,
  ) {
    this.redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  }

  /** Ids of the jobs a worker holds right now. */
  async active(queue: string): Promise<string[]> {
    return (await this.redis.lrange(`${this.prefix}:${queue}:active`, 0, -1)).filter((id) => !id.startsWith('0:'));
  }

  close(): void {
    this.redis.disconnect();
  }
}
