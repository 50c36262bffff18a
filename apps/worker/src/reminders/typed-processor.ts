import { WorkerHost } from '@nestjs/bullmq';
import type { Job } from 'bullmq';
import type { JobName, JobPayloads, QueueName } from '@app/reminders';

export type Handlers = { [N in JobName]?: (job: Job<JobPayloads[N], unknown, N>) => Promise<unknown> };

/** A queue's processor: one typed handler per job name it carries. */
export abstract class TypedProcessor extends WorkerHost {
  abstract readonly queueName: QueueName;
  abstract readonly handlers: Handlers;

  process(job: Job): Promise<unknown> {
    const handler = this.handlers[job.name as JobName] as ((job: Job) => Promise<unknown>) | undefined;
    if (!handler) throw new Error(`no handler for job ${job.name} on queue ${this.queueName}`);
    return handler(job);
  }
}
