import Database from 'better-sqlite3';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from '@app/event-store';
import { activeReadModelFile, rebuildReadModels } from '@app/read-models';
import { eventsFile } from './event-log';

export interface TableDiff {
  live: number;
  rebuilt: number;
  onlyLive: string[];
  onlyRebuilt: string[];
}

/** Lowest checkpoint among the projections of a read-model file (0 when none), read-only. */
export function checkpointOf(db: Database.Database): number {
  return (db.prepare('SELECT min(position) AS p FROM projection_checkpoints').get() as { p: number | null }).p ?? 0;
}

/**
 * Rebuilds the read models from the log into a COPY of the data folder (the events file only, so
 * the service's own folder and pointer are untouched), then compares every table of the live
 * read-model file with the rebuilt one, row for row, ordered by each table's key. Only for a
 * stopped service, or one that appends nothing while this runs.
 */
export async function compareWithRebuild(dataDir: string): Promise<{
  livePosition: number;
  rebuiltPosition: number;
  rows: Record<string, number>;
  differences: Record<string, TableDiff>;
}> {
  const copy = mkdtempSync(join(tmpdir(), 'fut-rel-rebuild-'));
  try {
    for (const name of readdirSync(dataDir).filter((f) => f.startsWith('events.sqlite'))) {
      copyFileSync(join(dataDir, name), join(copy, name));
    }
    const store = new SqliteEventStore({ file: eventsFile(copy) });
    let rebuiltFile: string;
    let rebuiltPosition: bigint;
    try {
      ({ file: rebuiltFile, position: rebuiltPosition } = await rebuildReadModels(store, copy));
    } finally {
      await store.close();
    }
    const liveFile = activeReadModelFile(dataDir);
    if (!existsSync(liveFile)) throw new Error(`no live read-model file at ${liveFile}`);
    const live = new Database(liveFile, { readonly: true });
    const rebuilt = new Database(rebuiltFile, { readonly: true });
    try {
      const rows: Record<string, number> = {};
      const differences: Record<string, TableDiff> = {};
      for (const table of tablesOf(rebuilt)) {
        const a = rowsOf(live, table);
        const b = rowsOf(rebuilt, table);
        rows[table] = b.length;
        const inB = new Set(b);
        const inA = new Set(a);
        const onlyLive = a.filter((r) => !inB.has(r));
        const onlyRebuilt = b.filter((r) => !inA.has(r));
        // Same multiset in the same order: ordered by key, equal tables give equal lists.
        const sameOrder = a.length === b.length && a.every((r, i) => r === b[i]);
        if (onlyLive.length > 0 || onlyRebuilt.length > 0 || !sameOrder) {
          differences[table] = {
            live: a.length,
            rebuilt: b.length,
            onlyLive: onlyLive.slice(0, 5),
            onlyRebuilt: onlyRebuilt.slice(0, 5),
          };
        }
      }
      return { livePosition: checkpointOf(live), rebuiltPosition: Number(rebuiltPosition), rows, differences };
    } finally {
      live.close();
      rebuilt.close();
    }
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
}

/** Every table the projections write (FTS shadow tables excluded: the virtual table is compared). */
function tablesOf(db: Database.Database): string[] {
  const all = db
    .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
    .all() as Array<{
    name: string;
  }>;
  const virtual = all.map((t) => t.name).filter((n) => n.endsWith('_fts'));
  return all.map((t) => t.name).filter((n) => !virtual.some((v) => n.startsWith(`${v}_`)));
}

/** A table's rows as canonical strings, ordered by its primary key (by every column when it has none). */
function rowsOf(db: Database.Database, table: string): string[] {
  const columns = db.prepare(`SELECT name, pk FROM pragma_table_info(?)`).all(table) as Array<{ name: string; pk: number }>;
  const keys = columns.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk);
  const order = (keys.length > 0 ? keys : columns).map((c) => `"${c.name}"`).join(', ');
  const list = columns.map((c) => `"${c.name}"`).join(', ');
  return (db.prepare(`SELECT ${list} FROM "${table}" ORDER BY ${order}`).all() as Array<Record<string, unknown>>).map((r) =>
    JSON.stringify(columns.map((c) => r[c.name])),
  );
}
