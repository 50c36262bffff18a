import type Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { recommendationStream, type RecommendationEvent } from '@app/recommendations';
import { RecommendationsProjection } from '../projections/recommendations.projection';
import { openReadModelDb } from '../read-model-db';

/** A read-model file in a temp dir, filled by the real projection from the events of each item. */
export class ProjectedReadModel {
  readonly dir = mkdtempSync(join(tmpdir(), 'fut-queries-'));
  readonly db: Database.Database = openReadModelDb(join(this.dir, 'read-models.sqlite'));
  private readonly projection = new RecommendationsProjection();
  private position = 0;

  constructor() {
    this.projection.prepare(this.db);
  }

  add(id: string, events: RecommendationEvent[]): this {
    this.db.transaction(() => {
      events.forEach((event, revision) => {
        this.position += 1;
        this.projection.apply({
          id: randomUUID(),
          stream: recommendationStream(id),
          type: event.type,
          data: event.data as unknown as Record<string, unknown>,
          metadata: {},
          revision: BigInt(revision),
          position: BigInt(this.position),
          recordedAt: new Date(),
        });
      });
      this.projection.endBatch();
    })();
    return this;
  }

  close(): void {
    this.db.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
