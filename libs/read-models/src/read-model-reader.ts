import type Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { activeReadModelFile, openReadModelDb } from './read-model-db';

const POLL_MS = 20;

/**
 * The API's view of the read models: one connection to the file in use, reopened when a rebuild
 * switched files. Knows how far the projections have come from their stored checkpoints, so it
 * works whether the worker runs in this process or another.
 */
export class ReadModelReader {
  private db: Database.Database | null = null;
  private file: string | null = null;
  private checkedAt = 0;

  constructor(private readonly dataDir: string) {}

  connection(): Database.Database {
    const now = Date.now();
    if (this.db && now - this.checkedAt < 1000) return this.db;
    this.checkedAt = now;
    const file = activeReadModelFile(this.dataDir);
    if (this.db && file === this.file) return this.db;
    const previous = this.db;
    this.db = openReadModelDb(file, { readonly: existsSync(file) });
    this.file = file;
    previous?.close();
    return this.db;
  }

  /** The read-model file in use now. */
  fileInUse(): string {
    this.connection();
    return this.file as string;
  }

  /** The lowest checkpoint among the projections, or 0n before any ran. */
  checkpoint(): bigint {
    try {
      const row = this.connection().prepare('SELECT min(position) AS position FROM projection_checkpoints').get() as
        { position: number | null } | undefined;
      return BigInt(row?.position ?? 0);
    } catch {
      return 0n;
    }
  }

  /** Waits until the read models reached `position`; false when `timeoutMs` passed first. */
  async waitFor(position: bigint, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      this.checkedAt = 0;
      if (this.checkpoint() >= position) return true;
      if (Date.now() >= deadline) return false;
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }

  close(): void {
    this.db?.close();
    this.db = null;
  }
}
