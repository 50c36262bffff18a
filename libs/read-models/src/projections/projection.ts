import type Database from 'better-sqlite3';
import type { RecordedEvent } from '@app/event-store';

/**
 * A projection turns events into rows. `apply` runs inside the runner's transaction, together
 * with the checkpoint, and must give the same rows when an event is applied twice.
 * Bump `version` when the rows it writes change: the read models are then rebuilt at start.
 */
export interface Projection {
  readonly name: string;
  readonly version: number;
  prepare(db: Database.Database): void;
  apply(event: RecordedEvent): void;
  /** Called after the last event of a batch, inside its transaction: writes anything deferred. */
  endBatch?(): void;
}
