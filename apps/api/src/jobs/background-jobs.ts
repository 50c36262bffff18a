import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { Queue } from 'bullmq';
import { AppConfig } from '@app/common';
import { JobName, QueueName, type JobPayloads, type JobProgress } from '@app/reminders';

export interface JobView {
  id: string;
  kind: string;
  status: 'queued' | 'running' | 'completed' | 'failed';
  total: number;
  done: number;
  failed: number;
  errors: string[];
}

const STATUS: Record<string, JobView['status']> = {
  waiting: 'queued',
  delayed: 'queued',
  prioritized: 'queued',
  'waiting-children': 'queued',
  active: 'running',
  completed: 'completed',
  failed: 'failed',
};

/** The API's side of the jobs queue: it queues an administrator's job and shows how far it is. */
@Injectable()
export class BackgroundJobs implements OnApplicationShutdown {
  private readonly queue: Queue;

  constructor(@Inject(AppConfig) config: AppConfig) {
    this.queue = new Queue(QueueName.Jobs, {
      connection: { url: config.REDIS_URL, enableOfflineQueue: false, maxRetriesPerRequest: 1 } as never,
      prefix: config.QUEUE_PREFIX,
    });
    // Errors surface on the calls; without a listener every reconnect attempt would be printed.
    this.queue.on('error', () => undefined);
  }

  /** Queues the merger's job under the merger's id: queuing it twice is one job. */
  async queueMerger(payload: JobPayloads[JobName.MergeDepartment]): Promise<void> {
    await this.queue.add(JobName.MergeDepartment, payload, {
      jobId: payload.mergerId,
      attempts: 5,
      backoff: { type: 'exponential', delay: 1000 },
    });
  }

  async view(id: string): Promise<JobView | null> {
    // The state first: a job read after it was seen completed holds its final figures.
    const state = await this.queue.getJobState(id);
    const job = await this.queue.getJob(id);
    if (!job || state === 'unknown') return null;
    // A finished job's figures are its return value: its last progress report may not be read back yet.
    const finished = state === 'completed' && typeof job.returnvalue === 'object' && job.returnvalue !== null;
    const progress = (finished ? job.returnvalue : typeof job.progress === 'object' ? job.progress : {}) as Partial<JobProgress>;
    const total = progress.total ?? 0;
    return {
      id,
      kind: job.name,
      status: STATUS[state] ?? 'queued',
      total,
      done: progress.done ?? 0,
      failed: progress.failed ?? 0,
      errors: progress.errors ?? (state === 'failed' && job.failedReason ? [job.failedReason] : []),
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.queue.close();
  }
}
