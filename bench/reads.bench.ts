/**
 * Read side at scale: seeds N open recommendations through the event store (raise, accept,
 * assign, acknowledge, progress: 10 events each, a day apart, with the service's metadata and
 * hash chain), rebuilds the read models
 * from the log, then times the department inbox and the overdue list.
 * Baselines in the same run: a raw read-and-parse of the same log (for the rebuild rate) and a
 * primary-key lookup (for query latency).
 * Usage: npm run bench:reads [-- --items 100000]
 */
import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventHash, genesisHash, SqliteEventStore } from '../libs/event-store/src';
import {
  activeReadModelFile,
  itemsAsOf,
  listRecommendations,
  openReadModelDb,
  overdueReport,
  rebuildReadModels,
  summaryReport,
} from '../libs/read-models/src';
import { CURRENT_SCHEMA_VERSION, recommendationStream, type Actor } from '../libs/recommendations/src';
import { machine, percentile, printTable, type Row } from './bench-support';

const DEPARTMENTS = [
  'home-affairs',
  'finance',
  'construction',
  'science-technology',
  'agriculture-environment',
  'education-training',
  'health',
  'justice',
];
const COMMUNES = ['tam-thanh', 'luong-van-tri', 'dong-kinh', 'ky-lua', 'hoang-van-thu', 'that-khe', 'na-sam', 'van-lang'];
const DAY = 86_400_000;
// One title word in a hundred items: a search matches about 1% of the province, as a real one would.
const TOPICS = Array.from({ length: 100 }, (_, k) => `Request topic${k} on staffing`);

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

/**
 * Seeds `items` open recommendations of `eventsPerItem` events each (raised, accepted, assigned,
 * acknowledged, then progress reports), through the event store with the service's metadata and
 * hash chain, many appends in flight at once.
 */
export async function seedOpenItems(store: SqliteEventStore, items: number, now: number, eventsPerItem = 10): Promise<void> {
  const actor = { sub: 'bench', name: 'bench', role: 'secretariat' };
  const batch = 200;
  for (let start = 0; start < items; start += batch) {
    await Promise.all(
      Array.from({ length: Math.min(batch, items - start) }, async (_, k) => {
        const i = start + k;
        const id = randomUUID();
        // Raised over the last 200 days; each later event a day after the one before, as an
        // item's life spreads over weeks (the history keeps a version per event and instant).
        const raised = now - (200 - (i % 200)) * DAY;
        const at = (n: number) => new Date(raised + n * DAY).toISOString();
        const dueAt = new Date(now + ((i % 120) - 60) * DAY).toISOString();
        const department = DEPARTMENTS[i % DEPARTMENTS.length];
        const events = [
          {
            type: 'RecommendationRaised',
            data: {
              recommendationId: id,
              commune: COMMUNES[i % COMMUNES.length],
              workingGroup: 1 + (i % 9),
              sessionDate: null,
              title: `${TOPICS[i % TOPICS.length]} for commune ${i}`,
              description: 'Invest in a centralized headquarters; second IT staff.',
              category: 'staffing',
              raisedAt: at(0),
              raisedBy: 'bench',
            },
          },
          { type: 'RecommendationAccepted', data: { note: null, acceptedAt: at(1) } },
          {
            type: 'RecommendationAssigned',
            data: { assignmentNo: 1, department, dueAt, dueBasis: { method: 'explicit' }, instructions: null, assignedAt: at(2) },
          },
          { type: 'AssignmentAcknowledged', data: { assignmentNo: 1, department, acknowledgedAt: at(3) } },
          ...Array.from({ length: Math.max(0, eventsPerItem - 4) }, (_, n) => ({
            type: 'ProgressReported',
            data: { assignmentNo: 1, department, note: `progress report ${n + 1}`, reportedAt: at(4 + n) },
          })),
        ].slice(0, Math.max(3, eventsPerItem));
        const stream = recommendationStream(id);
        let prevHash = genesisHash(stream);
        const prepared = events.map((event, n) => {
          const metadata = {
            actor,
            occurredAt: at(n),
            correlationId: id,
            causationId: id,
            schemaVersion: CURRENT_SCHEMA_VERSION,
            prevHash,
          };
          prevHash = eventHash(prevHash, event.type, event.data, metadata);
          return { id: randomUUID(), type: event.type, data: event.data, metadata: { ...metadata, hash: prevHash } };
        });
        await store.append(stream, prepared, 'no_stream');
      }),
    );
  }
}

function time(runs: number, query: () => unknown): number[] {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = process.hrtime.bigint();
    query();
    samples.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  return samples;
}

/** With `dataDir`, the seeded log is left there for later scenarios (the caller removes it). */
export async function benchReads(items: number, options: { dataDir?: string } = {}): Promise<Row[]> {
  const dir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'fut-bench-reads-'));
  try {
    const store = new SqliteEventStore({ file: join(dir, 'events.sqlite'), synchronous: 'NORMAL' });
    const now = Date.now();
    await seedOpenItems(store, items, now);
    const events = Number(await store.headPosition());

    // Baseline: read every event of the log and parse its JSON, as a rebuild must at least do.
    const raw = new Database(join(dir, 'events.sqlite'), { readonly: true });
    const rawStarted = process.hrtime.bigint();
    let parsed = 0;
    for (const row of raw.prepare('SELECT data, metadata FROM events ORDER BY position').iterate() as Iterable<{
      data: string;
      metadata: string;
    }>) {
      JSON.parse(row.data);
      JSON.parse(row.metadata);
      parsed++;
    }
    const rawRate = parsed / (Number(process.hrtime.bigint() - rawStarted) / 1e9);
    raw.close();

    const started = process.hrtime.bigint();
    await rebuildReadModels(store, dir);
    const rebuildRate = events / (Number(process.hrtime.bigint() - started) / 1e9);

    const db = openReadModelDb(activeReadModelFile(dir));
    const department: Actor = { sub: 'd', name: 'd', role: 'department', department: 'finance' };
    const committee: Actor = { sub: 'c', name: 'c', role: 'committee' };
    const at = new Date(now);
    const someId = (db.prepare('SELECT id FROM recommendations LIMIT 1 OFFSET 500').get() as { id: string }).id;
    const byId = db.prepare('SELECT * FROM recommendations WHERE id = ?');
    const runs = 300;
    const lookup = time(runs, () => byId.get(someId));
    const inbox = time(runs, () =>
      listRecommendations(db, department, { department: 'finance', status: 'assigned', sort: 'dueAt', limit: 50 }, at),
    );
    const overdue = time(runs, () => listRecommendations(db, committee, { overdue: true, sort: 'dueAt', limit: 50 }, at));
    const search = time(100, () => listRecommendations(db, committee, { q: 'topic42', limit: 50 }, at));
    // Reports of now next to the same reports as of 100 days ago, read from the history.
    const past = new Date(now - 100 * DAY);
    const liveSummary = time(20, () => summaryReport(db, committee, {}, at));
    const pastSummary = time(20, () => summaryReport(db, committee, {}, past, itemsAsOf(past)));
    const liveOverdue = time(20, () => overdueReport(db, committee, 'department', at));
    const pastOverdue = time(20, () => overdueReport(db, committee, 'department', past, {}, itemsAsOf(past)));
    db.close();
    await store.close();
    const p = (s: number[], q: number) => percentile(s, q);
    return [
      { scenario: 'reads', figure: `log read-and-parse (${events} events)`, value: rawRate, unit: 'events/s' },
      {
        scenario: 'reads',
        figure: 'rebuild read models',
        value: rebuildRate,
        unit: 'events/s',
        baseline: 'read-and-parse',
        ratio: rebuildRate / rawRate,
      },
      { scenario: 'reads', figure: 'primary-key lookup p99', value: p(lookup, 99), unit: 'ms' },
      {
        scenario: 'reads',
        figure: `inbox p50 (${items} open items)`,
        value: p(inbox, 50),
        unit: 'ms',
        baseline: 'pk lookup p50',
        ratio: p(inbox, 50) / p(lookup, 50),
      },
      {
        scenario: 'reads',
        figure: 'inbox p99',
        value: p(inbox, 99),
        unit: 'ms',
        baseline: 'pk lookup p99',
        ratio: p(inbox, 99) / p(lookup, 99),
      },
      {
        scenario: 'reads',
        figure: 'overdue list p50',
        value: p(overdue, 50),
        unit: 'ms',
        baseline: 'pk lookup p50',
        ratio: p(overdue, 50) / p(lookup, 50),
      },
      {
        scenario: 'reads',
        figure: 'overdue list p99',
        value: p(overdue, 99),
        unit: 'ms',
        baseline: 'pk lookup p99',
        ratio: p(overdue, 99) / p(lookup, 99),
      },
      {
        scenario: 'reads',
        figure: 'full-text search p99',
        value: p(search, 99),
        unit: 'ms',
        baseline: 'pk lookup p99',
        ratio: p(search, 99) / p(lookup, 99),
      },
      { scenario: 'reads', figure: `summary report p50 (${items} items)`, value: p(liveSummary, 50), unit: 'ms' },
      {
        scenario: 'reads',
        figure: 'summary report asOf 100 days ago p50',
        value: p(pastSummary, 50),
        unit: 'ms',
        baseline: 'live summary p50',
        ratio: p(pastSummary, 50) / p(liveSummary, 50),
      },
      { scenario: 'reads', figure: 'overdue report p50', value: p(liveOverdue, 50), unit: 'ms' },
      {
        scenario: 'reads',
        figure: 'overdue report asOf 100 days ago p50',
        value: p(pastOverdue, 50),
        unit: 'ms',
        baseline: 'live overdue p50',
        ratio: p(pastOverdue, 50) / p(liveOverdue, 50),
      },
    ];
  } finally {
    if (!options.dataDir) rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  const items = arg('items', 100_000);
  void benchReads(items).then((rows) => {
    console.log(`machine: ${JSON.stringify(machine())}; ${items} open items`);
    printTable(rows);
  });
}
