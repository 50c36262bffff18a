import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type Database from 'better-sqlite3';
import type { Logger } from 'pino';
import { AppConfig, LOGGER } from '@app/common';
import { EVENT_STORE, type EventStore } from '@app/event-store';
import {
  activeReadModelFile,
  createProjections,
  openReadModelDb,
  outdatedProjections,
  ProjectionRunner,
  rebuildReadModels,
} from '@app/read-models';

/**
 * Runs the projections in the worker role: catches up from the stored checkpoint, follows the log,
 * rebuilds at start when a projection's version changed, and follows a switch of read-model file
 * made by `npm run cli -- rebuild-read-models`.
 */
@Injectable()
export class ProjectionWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private runner: ProjectionRunner | null = null;
  private db: Database.Database | null = null;
  private file: string | null = null;
  private watcher: NodeJS.Timeout | null = null;
  private switching: Promise<void> = Promise.resolve();

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(AppConfig) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const current = openReadModelDb(activeReadModelFile(this.config.DATA_DIR));
    const outdated = outdatedProjections(current, createProjections());
    current.close();
    if (outdated.length > 0) {
      this.logger.warn({ projections: outdated }, 'projection version changed: rebuilding read models');
      const { position } = await rebuildReadModels(this.store, this.config.DATA_DIR);
      this.logger.info({ position: Number(position) }, 'read models rebuilt');
    }
    this.open(activeReadModelFile(this.config.DATA_DIR));
    this.watcher = setInterval(() => {
      const file = activeReadModelFile(this.config.DATA_DIR);
      if (file !== this.file) this.switching = this.switching.then(() => this.switchTo(file));
    }, 1000);
    this.watcher.unref();
  }

  /** Last position every projection has applied. */
  get position(): bigint | null {
    return this.runner?.position ?? null;
  }

  private open(file: string): void {
    this.db = openReadModelDb(file);
    this.file = file;
    this.runner = new ProjectionRunner(this.store, this.db, createProjections(), {
      onError: (error) => this.logger.error({ err: error }, 'projection stopped'),
    });
    this.runner.start();
    this.logger.info({ file, position: Number(this.runner.position) }, 'projections started');
  }

  private async switchTo(file: string): Promise<void> {
    await this.runner?.stop();
    this.db?.close();
    this.logger.info({ file }, 'read models switched to a rebuilt file');
    this.open(file);
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.watcher) clearInterval(this.watcher);
    await this.switching;
    await this.runner?.stop();
    this.db?.close();
  }
}
