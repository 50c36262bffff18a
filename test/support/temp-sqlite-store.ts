import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from '../../libs/event-store/src';

/** A SQLite event store on a real file in a new temp folder; `cleanup` closes it and removes the folder. */
export async function tempSqliteStore(): Promise<{ store: SqliteEventStore; file: string; cleanup: () => Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'fut-store-'));
  const file = join(dir, 'events.sqlite');
  // Subscriptions poll often, so what another process commits is seen quickly.
  const store = new SqliteEventStore({ file, pollIntervalMs: 25 });
  return {
    store,
    file,
    cleanup: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
