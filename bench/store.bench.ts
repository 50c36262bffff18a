/**
 * Appends per second of the embedded event store, durable (WAL, synchronous=FULL), with 1 and 50
 * concurrent writers, next to raw better-sqlite3 inserts on the same disk in the same run.
 * Usage: npm run bench:store [-- --seconds 5]
 */
import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from '../libs/event-store/src';
import { machine, printTable, type Row } from './bench-support';

const payload = { commune: 'tam-thanh', title: 'Invest in a centralized headquarters', description: 'x'.repeat(200) };

function rawInserts(dir: string, perTransaction: number, seconds: number): number {
  const db = new Database(join(dir, `raw-${perTransaction}.sqlite`));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec(
    'CREATE TABLE events (position INTEGER PRIMARY KEY AUTOINCREMENT, stream TEXT, revision INTEGER, id TEXT UNIQUE, type TEXT, data TEXT, metadata TEXT, recorded_at TEXT, UNIQUE(stream, revision))',
  );
  const insert = db.prepare(
    'INSERT INTO events (stream, revision, id, type, data, metadata, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  const batch = db.transaction((start: number) => {
    for (let i = 0; i < perTransaction; i++) {
      insert.run(`s-${start + i}`, 0, randomUUID(), 'Raised', JSON.stringify(payload), '{}', new Date().toISOString());
    }
  });
  let count = 0;
  const end = Date.now() + seconds * 1000;
  const started = process.hrtime.bigint();
  while (Date.now() < end) {
    batch(count);
    count += perTransaction;
  }
  const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
  db.close();
  return count / elapsed;
}

async function storeAppends(dir: string, writers: number, seconds: number): Promise<number> {
  const store = new SqliteEventStore({ file: join(dir, `store-${writers}.sqlite`) });
  let count = 0;
  const end = Date.now() + seconds * 1000;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: writers }, async (_, w) => {
      for (let revision = 0; Date.now() < end; revision++) {
        await store.append(
          `w${w}`,
          [{ id: randomUUID(), type: 'Raised', data: payload, metadata: {} }],
          revision === 0 ? 'no_stream' : BigInt(revision - 1),
        );
        count++;
      }
    }),
  );
  const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
  await store.close();
  return count / elapsed;
}

export async function benchStore(seconds = 3): Promise<Row[]> {
  const dir = mkdtempSync(join(tmpdir(), 'fut-bench-store-'));
  try {
    const raw1 = rawInserts(dir, 1, seconds);
    const raw100 = rawInserts(dir, 100, seconds);
    const one = await storeAppends(dir, 1, seconds);
    const fifty = await storeAppends(dir, 50, seconds);
    return [
      { scenario: 'appends', figure: 'raw insert, 1 per transaction', value: raw1, unit: 'events/s' },
      { scenario: 'appends', figure: 'raw insert, 100 per transaction', value: raw100, unit: 'events/s' },
      {
        scenario: 'appends',
        figure: 'store, 1 writer (durable)',
        value: one,
        unit: 'events/s',
        baseline: 'raw 1/tx',
        ratio: one / raw1,
      },
      {
        scenario: 'appends',
        figure: 'store, 50 writers (durable)',
        value: fifty,
        unit: 'events/s',
        baseline: 'raw 100/tx',
        ratio: fifty / raw100,
      },
      {
        scenario: 'appends',
        figure: 'store, 50 writers vs 1/tx',
        value: fifty,
        unit: 'events/s',
        baseline: 'raw 1/tx',
        ratio: fifty / raw1,
      },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  const seconds = Number(process.argv[process.argv.indexOf('--seconds') + 1]) || 3;
  void benchStore(seconds).then((rows) => {
    console.log(`machine: ${JSON.stringify(machine())}; ${seconds}s per figure`);
    printTable(rows);
  });
}
