import Database from 'better-sqlite3';
import { join } from 'node:path';
import { mkdirSync } from 'node:fs';

/**
 * Checkpoints of the worker's own subscriptions (the reminder scheduler), kept on disk apart
 * from Redis: a Redis that lost everything must not make the scheduler forget where it was.
 */
export class WorkerState {
  private readonly db: Database.Database;

  constructor(dataDir: string) {
    mkdirSync(dataDir, { recursive: true });
    this.db = new Database(join(dataDir, 'worker-state.sqlite'), { timeout: 5000 });
    this.db.pragma('journal_mode = WAL');
    // A lost checkpoint only replays events whose jobs have fixed ids: no need to sync each write.
    this.db.pragma('synchronous = NORMAL');
    this.db.exec('CREATE TABLE IF NOT EXISTS checkpoints (name TEXT PRIMARY KEY, position INTEGER NOT NULL)');
  }

  get(name: string): bigint | null {
    const row = this.db.prepare('SELECT position FROM checkpoints WHERE name = ?').get(name) as { position: number } | undefined;
    return row ? BigInt(row.position) : null;
  }

  set(name: string, position: bigint): void {
    this.db
      .prepare(
        'INSERT INTO checkpoints (name, position) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET position = excluded.position',
      )
      .run(name, Number(position));
  }

  close(): void {
    this.db.close();
  }
}
