import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from 'pino';
import { AuditSigner, writeCheckpoint } from '@app/audit';
import { AppConfig, CLOCK, LOGGER, parseDuration, type Clock } from '@app/common';
import { ConcurrencyError, EVENT_STORE, type EventStore } from '@app/event-store';

/** Signs a checkpoint of the log every AUDIT_CHECKPOINT_EVERY, when something happened since the last one. */
@Injectable()
export class CheckpointWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> = Promise.resolve();

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly signer: AuditSigner,
    @Inject(AppConfig) private readonly config: AppConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => (this.running = this.checkpoint()), parseDuration(this.config.AUDIT_CHECKPOINT_EVERY));
    this.timer.unref();
  }

  private async checkpoint(): Promise<void> {
    try {
      const result = await writeCheckpoint(
        this.store,
        this.signer,
        { sub: 'system:audit', name: 'Audit checkpoint', role: 'system' },
        this.clock.now(),
      );
      if (result) this.logger.info({ position: result.position, events: result.events }, 'audit checkpoint signed');
    } catch (error) {
      // Another worker wrote the same checkpoint first: nothing is lost.
      if (!(error instanceof ConcurrencyError)) this.logger.error({ err: error }, 'audit checkpoint failed');
    }
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }
}
