import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '@app/common';
import { ReadModelReader } from '@app/read-models';
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
