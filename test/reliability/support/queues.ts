import { Redis } from 'ioredis';

export interface ActiveJobs {
  queue: string;
  ids: string[];
}

/** How a job ended, as the queue's event stream tells it, and when (ms since the epoch). */
export interface JobEnd {
  event: 'completed' | 'failed' | 'removed';
  at: number;
}

async function connect(redisUrl: string): Promise<Redis> {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1, lazyConnect: true });
  await redis.connect();
  return redis;
}

/**
 * The jobs that workers hold right now in BullMQ's `active` list, per queue. Read after a
 * SIGKILL, they are the jobs the dead worker was running: their locks are left to expire and the
 * restarted worker's own stalled checks to find them, as after any real crash.
 */
export async function activeJobs(redisUrl: string, prefix: string, queues: string[]): Promise<ActiveJobs[]> {
  const redis = await connect(redisUrl);
  try {
    const found: ActiveJobs[] = [];
    for (const queue of queues) {
      const ids = (await redis.lrange(`${prefix}:${queue}:active`, 0, -1)).filter((id) => !id.startsWith('0:'));
      found.push({ queue, ids });
    }
    return found;
  } finally {
    redis.disconnect();
  }
}

/**
 * Follows a queue's event stream from `sinceMs` on and keeps how each of `ids` ended there
 * (completed, failed, or removed), the last word for each. Read incrementally, so that the
 * stream's trimming cannot hide an end it has already seen.
 */
export class JobEndWatch {
  private readonly redis: Redis;
  private cursor: string;
  readonly ends = new Map<string, JobEnd>();

  constructor(
    redisUrl: string,
    private readonly key: string,
    private readonly ids: ReadonlySet<string>,
    sinceMs: number,
  ) {
    this.redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
    this.cursor = `${sinceMs}-0`;
  }

  static of(redisUrl: string, prefix: string, queue: string, ids: string[], sinceMs: number): JobEndWatch {
    return new JobEndWatch(redisUrl, `${prefix}:${queue}:events`, new Set(ids), sinceMs);
  }

  async poll(): Promise<Map<string, JobEnd>> {
    const entries = await this.redis.xrange(this.key, this.cursor, '+', 'COUNT', 5000);
    for (const [id, fields] of entries) {
      this.cursor = `(${id}`;
      const field = (name: string) => fields[fields.indexOf(name) + 1];
      const event = field('event');
      const jobId = field('jobId');
      if ((event === 'completed' || event === 'failed' || event === 'removed') && this.ids.has(jobId))
        this.ends.set(jobId, { event, at: Number(id.split('-')[0]) });
    }
    return this.ends;
  }

  close(): void {
    this.redis.disconnect();
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
