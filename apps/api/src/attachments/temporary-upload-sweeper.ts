import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { Logger } from 'pino';
import { AttachmentStore, sweepPeriodically, type PeriodicSweep, type SweepSchedule } from '@app/attachments';
import { LOGGER } from '@app/common';

/** A temporary file this old is an upload a crash cut short; they are looked for this often too. */
export const UPLOAD_SWEEP: SweepSchedule = { everyMs: 60 * 60 * 1000, olderThanMs: 60 * 60 * 1000 };

/**
 * Removes uploads left unfinished: at start (an earlier run of this process crashed), then every
 * hour (another process sharing DATA_DIR crashed while this one runs on).
 */
@Injectable()
export class TemporaryUploadSweeper implements OnModuleInit, OnApplicationShutdown {
  readonly schedule = UPLOAD_SWEEP;
  private periodic: PeriodicSweep | null = null;

  constructor(
    private readonly store: AttachmentStore,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** Whether the periodic sweep is on. */
  get running(): boolean {
    return this.periodic !== null;
  }

  async onModuleInit(): Promise<void> {
    const removed = await this.store.sweepTemporary(this.schedule.olderThanMs);
    if (removed > 0) this.logger.info({ removed }, 'removed uploads left unfinished by an earlier run');
    this.periodic = sweepPeriodically(this.store, this.schedule, {
      swept: (count) => this.logger.info({ removed: count }, 'removed uploads left unfinished'),
      failed: (error) => this.logger.warn({ err: error }, 'could not sweep unfinished uploads'),
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.periodic?.stop();
    this.periodic = null;
  }
}
