import { OnWorkerEvent, WorkerHost } from '@nestjs/bullmq';
import { Inject } from '@nestjs/common';
import type { Job } from 'bullmq';
import type { Logger } from 'pino';
import { LOGGER } from '@app/common';
import type { JobName, JobPayloads, QueueName } from '@app/reminders';

export type Handlers = { [N in JobName]?: (job: Job<JobPayloads[N], unknown, N>) => Promise<unknown> };

/** A queue's processor: one typed handler per job name it carries. */
export abstract class TypedProcessor extends WorkerHost {
  abstract readonly queueName: QueueName;
  abstract readonly handlers: Handlers;
  @Inject(LOGGER) private readonly workerLogger!: Logger;
  private connectionTrouble = false;

  process(job: Job): Promise<unknown> {
    const handler = this.handlers[job.name as JobName] as ((job: Job) => Promise<unknown>) | undefined;
    if (!handler) throw new Error(`no handler for job ${job.name} on queue ${this.queueName}`);
    return handler(job);
  }

  /**
   * Without a listener BullMQ prints each worker error (every reconnect attempt while Redis is
   * away) with console.error, outside the service log. One warning per outage, the rest at debug.
   */
  @OnWorkerEvent('error')
  onWorkerError(error: Error): void {
    const level = this.connectionTrouble ? 'debug' : 'warn';
    this.connectionTrouble = true;
    this.workerLogger[level]({ err: error, queue: this.queueName }, 'queue worker error (is Redis down?)');
  }

  @OnWorkerEvent('ready')
  onWorkerReady(): void {
    this.connectionTrouble = false;
  }
}
