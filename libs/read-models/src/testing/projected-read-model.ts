import type Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  recommendationStream,
  workingSessionStream,
  type RecommendationEvent,
  type WorkingSessionRecorded,
} from '@app/recommendations';
import { RecommendationsProjection } from '../projections/recommendations.projection';
import { SessionsProjection } from '../projections/sessions.projection';
import { openReadModelDb } from '../read-model-db';

/** A read-model file in a temp dir, filled by the real projections from the events of each item and session. */
export class ProjectedReadModel {
  readonly dir = mkdtempSync(join(tmpdir(), 'fut-queries-'));
  readonly db: Database.Database = openReadModelDb(join(this.dir, 'read-models.sqlite'));
  private readonly projection = new RecommendationsProjection();
  private readonly sessions = new SessionsProjection();
  private position = 0;

  constructor() {
    this.projection.prepare(this.db);
    this.sessions.prepare(this.db);
  }

  /** A recorded working session (its stream's one event). */
  session(data: WorkingSessionRecorded['data']): this {
    this.position += 1;
    this.sessions.apply({
      id: randomUUID(),
      stream: workingSessionStream(data.sessionId),
      type: 'WorkingSessionRecorded',
      data: data as unknown as Record<string, unknown>,
      metadata: {},
      revision: 0n,
      position: BigInt(this.position),
      recordedAt: new Date(),
    });
    return this;
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
