import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { anEvent, collect } from '../../contract/event-store.contract';
import { exited, onLines, spawnTs, waitForLine } from '../../../../../test/support/child-process';
import { SqliteEventStore } from './sqlite-event-store';

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

  it('a subscriber never skips an event whose transaction commits late', async () => {
    const store = new SqliteEventStore({ file, pollIntervalMs: 20 });
    const early = await store.append('early', [anEvent(1)], 'no_stream');
    const subscription = store.subscribe({ fromPosition: 1n });
    const received = collect(
      subscription,
      () => true,
      (kept) => kept.length >= 3,
    );

    // Another process reserves the next position inside an open write transaction.
    const holder = spawnTs('test/support/sqlite-hold-write-child.ts', [file]);
    const [, heldPosition] = await waitForLine(holder, /^holding (\d+)$/);
    expect(BigInt(heldPosition)).toBe(early.position + 1n);
    // While it is uncommitted, the log shows nothing past the first event; the subscriber keeps polling.
    expect(await store.readAll({ fromPosition: early.position + 1n })).toEqual([]);
    const committed = waitForLine(holder, /^committed$/);
    holder.stdin.write('commit\n');
    await committed;
    await exited(holder);
    await store.append('after', [anEvent(3)], 'no_stream');

    const events = await received;
    await subscription.stop();
    expect(events.map((e) => e.type)).toEqual(['Counted', 'LateCommitted', 'Counted']);
    expect(events.map((e) => e.position)).toEqual([1n, 2n, 3n]);
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
