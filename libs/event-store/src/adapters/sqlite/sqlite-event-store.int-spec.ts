import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { anEvent } from '../../contract/event-store.contract';
import { exited, onLines, spawnTs, waitForLine } from '../../../../../test/support/child-process';
import { SqliteEventStore } from './sqlite-event-store';

/** What only SQLite shows: its pragmas, group commit, durability across a kill. The rest is the contract's. */
describe('SqliteEventStore beyond the contract', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'fut-sqlite-'));
    file = join(dir, 'events.sqlite');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('uses WAL with synchronous=FULL by default, so an acknowledged append survives power loss', async () => {
    const store = new SqliteEventStore({ file });
    const db = (store as unknown as { db: Database.Database }).db;
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(2); // FULL
    await store.close();
  });

  it('group commit: concurrent appends share one transaction and keep their own expected-revision checks', async () => {
    const store = new SqliteEventStore({ file });
    const db = (store as unknown as { db: Database.Database }).db;
    await store.append('shared', [anEvent(0)], 'no_stream');
    let commits = 0;
    const exec = db.exec.bind(db);
    db.exec = (sql: string) => {
      if (sql === 'COMMIT') commits += 1;
      return exec(sql);
    };
    const results = await Promise.allSettled([
      ...Array.from({ length: 50 }, (_, i) => store.append(`s${i}`, [anEvent(i)], 'no_stream')),
      store.append('shared', [anEvent(1)], 0n),
      store.append('shared', [anEvent(2)], 0n),
    ]);
    expect(commits).toBe(1);
    expect(results.slice(0, 50).every((r) => r.status === 'fulfilled')).toBe(true);
    expect(results.slice(50).filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(await store.readStream('shared')).toHaveLength(2);
    await store.close();
  });

  it('every append acknowledged before a SIGKILL is in the log afterwards', async () => {
    const child = spawnTs('test/support/sqlite-append-child.ts', [file, '20']);
    const acknowledged: string[] = [];
    await waitForLine(child, /^ready$/);
    await new Promise<void>((resolve) => {
      onLines(child, (line) => {
        if (line.startsWith('ack ')) acknowledged.push(line.slice(4));
        if (acknowledged.length === 400) resolve();
      });
    });
    child.kill('SIGKILL');
    await exited(child);

    const store = new SqliteEventStore({ file });
    const ids = new Set((await store.readAll()).map((e) => e.id));
    const missing = acknowledged.filter((id) => !ids.has(id));
    expect(acknowledged.length).toBeGreaterThanOrEqual(400);
    expect(missing).toEqual([]);
    await store.close();
  });
});
