import { Inject, Injectable, type OnApplicationShutdown, type Provider } from '@nestjs/common';
import { AppConfig } from '@app/common';
import { ReadModelReader, ReportThreads } from '@app/read-models';
import type { ProjectionStatusSource } from '../health/projection-status';

/** The API's read-model connection, also the source of the projections' position for /health. */
@Injectable()
export class ReadModels extends ReadModelReader implements OnApplicationShutdown, ProjectionStatusSource {
  constructor(@Inject(AppConfig) config: AppConfig) {
    super(config.DATA_DIR);
  }

  async position(): Promise<bigint | null> {
    return this.checkpoint();
  }

  onApplicationShutdown(): void {
    this.close();
  }
}

/** One thread builds the reports of the past (the gate in front bounds how many wait for it); stopped with the app. */
@Injectable()
export class ApiReportThreads extends ReportThreads implements OnApplicationShutdown {
  constructor() {
    super(1);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.close();
  }
}

export const ReportThreadsProvider: Provider = { provide: ReportThreads, useClass: ApiReportThreads };
