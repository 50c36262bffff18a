import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { Job, Queue, Worker } from 'bullmq';
import type { Logger } from 'pino';
import type { Redis } from 'ioredis';
import { AppConfig, LOGGER, parseDuration, REDIS } from '@app/common';
import { JOB_QUEUE, JobName, QueueName } from '@app/reminders';
import { DeadlinesProcessor } from './deadlines.processor';
import { MaintenanceProcessor } from './maintenance.processor';
import { NotificationsProcessor } from './notifications.processor';
import { STALLED_TOO_OFTEN } from './job-options';
import { Reconciler } from './reconciler';
import type { TypedProcessor } from './typed-processor';

/** Digest at 07:30 on weekdays, province time. */
export const DAILY_DIGEST_CRON = '30 7 * * 1-5';
export const PROVINCE_TIME_ZONE = 'Asia/Ho_Chi_Minh';

/** The queues of the reminder machinery (the jobs queue has its own module and processor). */
export const REMINDER_QUEUES: readonly QueueName[] = [QueueName.Deadlines, QueueName.Notifications, QueueName.Maintenance];

/** Every job name of `queues` must have a handler on the queue that carries it, or the worker does not start. */
export function assertEveryJobHandled(processors: TypedProcessor[], queues: readonly QueueName[] = REMINDER_QUEUES): void {
  for (const name of Object.values(JobName).filter((n) => queues.includes(JOB_QUEUE[n]))) {
    const processor = processors.find((p) => p.queueName === JOB_QUEUE[name]);
    if (!processor?.handlers[name])
      throw new Error(`job "${name}" has no handler on queue "${JOB_QUEUE[name]}": refusing to start`);
  }
}

/**
 * Starts the reminder machinery: checks the handlers, warns about a Redis that may evict jobs,
 * sets up the periodic reconcile and the daily digest, and reconciles whenever Redis (re)connects,
 * since a Redis that restarted empty has lost the job schedulers too — and again whenever a job
 * fails for good by stalling, which happens after the start's pass, once the stalled checks have
 * found the jobs a crashed process left running (see RECOVER_PROMPTLY).
 */
@Injectable()
export class RemindersLifecycle implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown {
  private readonly onReady = () => void this.afterConnect();
  private readonly onFailed = (job: Job | undefined, error: Error) => {
    if (this.stopped || error.message !== STALLED_TOO_OFTEN) return;
    this.logger.warn({ job: job?.id, queue: job?.queueName }, 'job failed by stalling too often; reconciling');
    this.reconciler.reconcileAgain();
  };
  private retry: NodeJS.Timeout | null = null;
  private stopped = false;
  private watched: Worker[] = [];

  constructor(
    @InjectQueue(QueueName.Maintenance) private readonly maintenance: Queue,
    @InjectQueue(QueueName.Deadlines) private readonly deadlinesQueue: Queue,
    @InjectQueue(QueueName.Notifications) private readonly notificationsQueue: Queue,
    private readonly reconciler: Reconciler,
    private readonly deadlines: DeadlinesProcessor,
    private readonly notifications: NotificationsProcessor,
    private readonly maintenanceProcessor: MaintenanceProcessor,
    @Inject(AppConfig) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  onModuleInit(): void {
    assertEveryJobHandled([this.deadlines, this.notifications, this.maintenanceProcessor]);
    // Without a listener BullMQ prints every reconnect failure with console.error; the workers
    // already warn once per outage and /health reports Redis, so these go to debug.
    for (const queue of [this.maintenance, this.deadlinesQueue, this.notificationsQueue]) {
      queue.on('error', (error) => this.logger.debug({ err: error, queue: queue.name }, 'queue connection error'));
    }
  }

  async onApplicationBootstrap(): Promise<void> {
    this.watched = [this.deadlines.worker, this.notifications.worker];
    for (const worker of this.watched) worker.on('failed', this.onFailed);
    // The shared client emits 'ready' on every (re)connection, including to a Redis restarted empty.
    this.redis.on('ready', this.onReady);
    if (this.redis.status === 'ready') void this.afterConnect();
  }

  /**
   * The shared client is often ready before the queues' own connections (which fail fast while
   * offline), so a failed pass is retried with backoff: no second 'ready' will come to do it.
   */
  private async afterConnect(attempt = 0): Promise<void> {
    if (this.retry) clearTimeout(this.retry);
    this.retry = null;
    try {
      await this.warnIfEvicting();
      await this.maintenance.upsertJobScheduler(
        'reconcile',
        { every: parseDuration(this.config.RECONCILE_EVERY) },
        { name: JobName.Reconcile, data: {} },
      );
      await this.maintenance.upsertJobScheduler(
        'daily-digest',
        { pattern: DAILY_DIGEST_CRON, tz: PROVINCE_TIME_ZONE },
        { name: JobName.DailyDigest, data: {} },
      );
      await this.reconciler.reconcile();
      if (attempt > 0) this.logger.info({ attempt }, 'reminders reconciled after Redis came back');
    } catch (error) {
      if (attempt === 0) this.logger.warn({ err: error }, 'reminders not reconciled now (is Redis down?); retrying');
      if (!this.stopped) this.retry = setTimeout(() => void this.afterConnect(attempt + 1), Math.min(5000, 250 * 2 ** attempt));
    }
  }

  private async warnIfEvicting(): Promise<void> {
    const reply = (await this.redis.call('CONFIG', 'GET', 'maxmemory-policy').catch(() => null)) as string[] | null;
    const policy = reply?.[1];
    if (policy && policy !== 'noeviction') {
      this.logger.warn(
        { policy },
        `Redis maxmemory-policy is "${policy}", not "noeviction": Redis may evict pending reminders under memory pressure`,
      );
    }
  }

  onApplicationShutdown(): void {
    this.stopped = true;
    if (this.retry) clearTimeout(this.retry);
    this.redis.off('ready', this.onReady);
    for (const worker of this.watched) worker.off('failed', this.onFailed);
  }
}
