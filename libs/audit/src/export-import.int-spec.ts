import Database from 'better-sqlite3';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createReadStream, createWriteStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { finished } from 'node:stream/promises';
import { EventStreamRepository, SqliteEventStore, eventStoreFile, type EventContext, type RecordedEvent } from '@app/event-store';
import { rebuildReadModels } from '@app/read-models';
import { CURRENT_SCHEMA_VERSION, recommendationStream, type RecommendationEvent } from '@app/recommendations';
import {
  HOUR,
  SESSION_AT,
  aRecommendation,
  commune,
  plus,
  secretariat,
} from '../../recommendations/src/testing/recommendation.builder';
import { writeCheckpoint, type CheckpointResult } from './checkpoint';
import { exportLines, importLines, type ExportedEvent, type ExportFilter } from './export-import';
import { AuditSigner } from './signing-key';
import { CHECKPOINT_EVENT, CHECKPOINT_STREAM, verifyLog, type HeldCheckpoint } from './verify-log';

/**
 * An export is the auditor's copy of the log: imported into an empty data folder it must verify
 * with the same key and root hash, hold the very same events, and rebuild the same read models.
 */

const ITEMS = 400;
const SHORT_FROM = 360;
const STEPS_BEFORE_FIRST_CHECKPOINT = 5;

function history(i: number, id: string, short: boolean): RecommendationEvent[] {
  const b = aRecommendation(id).raisedBy(commune(['tam-thanh', 'na-sam', 'dong-kinh'][i % 3]), {
    at: plus(SESSION_AT, i * HOUR),
    title: `Kiến nghị ${i}: đầu tư trụ sở tập trung ${i % 2 === 0 ? 'Lạng Sơn' : 'Đồng Đăng'}`,
    category: ['staffing', 'headquarters', 'traffic', 'land'][i % 4],
  });
  if (short) return i % 2 === 0 ? b.accepted().resolved().build() : b.declined().build();
  const dept = ['home-affairs', 'finance', 'construction'][i % 3];
  const other = ['finance', 'construction', 'home-affairs'][i % 3];
  return b
    .travelled(i % 2 === 0 ? 'returned' : 'extended', dept, other, { instructions: i % 4 === 0 ? 'Báo cáo hằng tháng' : null })
    .build();
}

interface Item {
  stream: string;
  events: Array<{ type: string; data: object }>;
  start: string;
}

function contextAt(occurredAt: string, idempotencyKey?: string): EventContext {
  return {
    actor: { ...secretariat() },
    occurredAt,
    correlationId: randomUUID(),
    causationId: randomUUID(),
    ...(idempotencyKey ? { idempotencyKey } : {}),
  };
}

/** Step by step, every item of a step in flight at once; an idempotency record per step, as the API writes them. */
async function writeSteps(store: SqliteEventStore, items: Item[], from: number, to: number): Promise<void> {
  const repo = new EventStreamRepository(store, CURRENT_SCHEMA_VERSION);
  for (let step = from; step < to; step++) {
    const due = items.filter((item) => item.events.length > step);
    const key = `idem-${step}`;
    await Promise.all([
      ...due.map(async (item, k) => {
        const loaded = await repo.load(item.stream);
        const context = contextAt(plus(item.start, step * HOUR), k === 0 ? key : undefined);
        await repo.append(item.stream, loaded, [item.events[step]], context);
      }),
      (async () => {
        const stream = `idempotency-${key}`;
        const loaded = await repo.load(stream);
        await repo.append(
          stream,
          loaded,
          [{ type: 'IdempotentRequestRecorded', data: { step, status: 201 } }],
          contextAt(SESSION_AT),
        );
      })(),
    ]);
  }
}

function makeItems(count: number, shortFrom: number): Item[] {
  return Array.from({ length: count }, (_, i) => {
    const id = randomUUID();
    return { stream: recommendationStream(id), events: history(i, id, i >= shortFrom), start: plus(SESSION_AT, i * HOUR) };
  });
}

async function exportToFile(store: SqliteEventStore, file: string, filter?: ExportFilter): Promise<number> {
  const out = createWriteStream(file);
  let count = 0;
  for await (const line of exportLines(store, filter)) {
    if (!out.write(line)) await once(out, 'drain');
    count++;
  }
  out.end();
  await finished(out);
  return count;
}

function importFromFile(store: SqliteEventStore, file: string): Promise<number> {
  return importLines(store, createInterface({ input: createReadStream(file), crlfDelay: Infinity }));
}

async function collect(lines: AsyncIterable<string>): Promise<ExportedEvent[]> {
  const events: ExportedEvent[] = [];
  for await (const line of lines) {
    expect(line.endsWith('\n')).toBe(true);
    expect(line.indexOf('\n')).toBe(line.length - 1);
    events.push(JSON.parse(line) as ExportedEvent);
  }
  return events;
}

async function readWholeLog(store: SqliteEventStore): Promise<RecordedEvent[]> {
  return store.readAll({ fromPosition: 0n });
}

function held(c: CheckpointResult): HeldCheckpoint {
  return { position: c.position, events: c.events, rootHash: c.rootHash, signature: c.signature };
}

/** Every table of a SQLite file (FTS shadow tables included), each ordered by all its columns. */
function dumpTables(file: string): Record<string, unknown[]> {
  const db = new Database(file, { readonly: true });
  try {
    const tables = db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as Array<{
      name: string;
      sql: string;
    }>;
    const dump: Record<string, unknown[]> = {};
    for (const { name, sql } of tables) {
      const virtual = /^CREATE VIRTUAL TABLE/i.test(sql);
      const columns = db
        .prepare(`SELECT * FROM "${name}" LIMIT 0`)
        .columns()
        .map((c) => `"${c.name}"`);
      const select = virtual ? `rowid AS "(rowid)", *` : '*';
      const orderBy = virtual ? ['rowid', ...columns] : columns;
      dump[name] = db.prepare(`SELECT ${select} FROM "${name}" ORDER BY ${orderBy.join(', ')}`).all();
    }
    return dump;
  } finally {
    db.close();
  }
}

describe('export and import of the log (NDJSON)', () => {
  let dir: string;
  let signer: AuditSigner;
  let source: SqliteEventStore;
  let imported: SqliteEventStore;
  let exportFile: string;
  let checkpoints: CheckpointResult[];
  let exportedCount: number;
  let importedCount: number;
  let full: ExportedEvent[];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fut-export-import-'));
    signer = new AuditSigner(generateKeyPairSync('ed25519').privateKey);
    source = new SqliteEventStore({ file: eventStoreFile(join(dir, 'source')), synchronous: 'NORMAL' });
    const items = makeItems(ITEMS, SHORT_FROM);
    const actor = { sub: 'system:audit', name: 'Audit checkpoint', role: 'system' };
    await writeSteps(source, items, 0, STEPS_BEFORE_FIRST_CHECKPOINT);
    const first = await writeCheckpoint(source, signer, actor, new Date('2025-09-01T00:00:00Z'));
    await writeSteps(source, items, STEPS_BEFORE_FIRST_CHECKPOINT, 10);
    const second = await writeCheckpoint(source, signer, actor, new Date('2025-09-02T00:00:00Z'));
    if (!first || !second) throw new Error('writeCheckpoint wrote nothing');
    checkpoints = [first, second];

    exportFile = join(dir, 'export.ndjson');
    exportedCount = await exportToFile(source, exportFile);
    imported = new SqliteEventStore({ file: eventStoreFile(join(dir, 'imported')) });
    importedCount = await importFromFile(imported, exportFile);
    full = readFileSync(exportFile, 'utf8')
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as ExportedEvent);
  });

  afterAll(async () => {
    await source?.close();
    await imported?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('exports every event once, in global order, as one JSON object per line', async () => {
    const head = Number(await source.headPosition());
    expect(head).toBeGreaterThan(3000);
    expect(exportedCount).toBe(head);
    expect(full.map((e) => e.position)).toEqual(Array.from({ length: head }, (_, k) => k + 1));
    expect(full.filter((e) => e.type === CHECKPOINT_EVENT)).toHaveLength(2);
    expect(readFileSync(exportFile, 'utf8').endsWith('}\n')).toBe(true);
  });

  it('the imported log verifies with the same key: same counts, same root hash, both checkpoints hold', async () => {
    expect(importedCount).toBe(exportedCount);
    const original = await verifyLog(source, { publicKey: signer.publicKey });
    const copy = await verifyLog(imported, { publicKey: signer.publicKeyPem() });
    expect(original).toMatchObject({ ok: true, checkpoints: 2, failures: [] });
    expect(copy).toEqual(original);
    // A checkpoint the auditor kept from the original holds on the copy too.
    const withHeld = await verifyLog(imported, { publicKey: signer.publicKey, held: checkpoints.map(held) });
    expect(withHeld).toMatchObject({ ok: true, failures: [] });
  });

  it('every event is identical: id, stream, revision, type, data and metadata (hash chain included), at the same position', async () => {
    const strip = (events: RecordedEvent[]) =>
      events.map(({ position, id, stream, revision, type, data, metadata }) => ({
        position,
        id,
        stream,
        revision,
        type,
        data,
        metadata,
      }));
    const [a, b] = await Promise.all([readWholeLog(source), readWholeLog(imported)]);
    expect(b).toHaveLength(a.length);
    expect(strip(b)).toEqual(strip(a));
    // Byte for byte in the files, too.
    const raw = (file: string) => {
      const db = new Database(file, { readonly: true });
      try {
        return db.prepare('SELECT position, stream, revision, id, type, data, metadata FROM events ORDER BY position').all();
      } finally {
        db.close();
      }
    };
    expect(raw(eventStoreFile(join(dir, 'imported')))).toEqual(raw(eventStoreFile(join(dir, 'source'))));
  });

  it('rebuilding the read models from each log gives the same tables, row for row', async () => {
    const fromSource = await rebuildReadModels(source, join(dir, 'source'));
    const fromImport = await rebuildReadModels(imported, join(dir, 'imported'));
    expect(fromImport.position).toBe(fromSource.position);
    expect(fromImport.file).not.toBe(fromSource.file);
    const a = dumpTables(fromSource.file);
    const b = dumpTables(fromImport.file);
    expect(Object.keys(b)).toEqual(Object.keys(a));
    expect(a.recommendations).toHaveLength(ITEMS);
    expect(a.resolutions.length).toBeGreaterThan(0);
    for (const table of Object.keys(a)) expect({ table, rows: b[table] }).toEqual({ table, rows: a[table] });
  });

  it('refuses to import into a store that already holds events, and adds nothing', async () => {
    const head = await imported.headPosition();
    await expect(importFromFile(imported, exportFile)).rejects.toThrow(/empty/);
    expect(await imported.headPosition()).toBe(head);
    // Even a single event makes a store non-empty.
    const one = new SqliteEventStore({ file: eventStoreFile(join(dir, 'one-event')) });
    try {
      await one.append('some-stream', [{ id: randomUUID(), type: 'Something', data: {}, metadata: {} }], 'no_stream');
      await expect(importFromFile(one, exportFile)).rejects.toThrow(/empty/);
      expect(await one.headPosition()).toBe(1n);
    } finally {
      await one.close();
    }
  });

  describe('filters', () => {
    const recommendationStreams = () => [...new Set(full.map((e) => e.stream).filter((s) => s.startsWith('recommendation-')))];

    it('stream: only that stream, in revision order', async () => {
      const stream = recommendationStreams()[7];
      const got = await collect(exportLines(source, { stream }));
      expect(got).toEqual(full.filter((e) => e.stream === stream));
      expect(got.map((e) => e.revision)).toEqual(Array.from({ length: 10 }, (_, k) => k));
      expect(await collect(exportLines(source, { stream: CHECKPOINT_STREAM }))).toHaveLength(2);
      expect(await collect(exportLines(source, { stream: 'recommendation-nobody' }))).toEqual([]);
    });

    it('type: only that type', async () => {
      const got = await collect(exportLines(source, { type: 'RecommendationReopened' }));
      expect(got.length).toBeGreaterThan(100);
      expect(got).toEqual(full.filter((e) => e.type === 'RecommendationReopened'));
      expect(await collect(exportLines(source, { type: CHECKPOINT_EVENT }))).toEqual(
        full.filter((e) => e.type === CHECKPOINT_EVENT),
      );
    });

    it('from / to: bounds on metadata.occurredAt, both inclusive', async () => {
      const from = new Date(plus(SESSION_AT, 100 * HOUR));
      const to = new Date(plus(SESSION_AT, 150 * HOUR));
      const at = (e: ExportedEvent) => new Date(String(e.metadata.occurredAt)).getTime();
      const expected = full.filter((e) => at(e) >= from.getTime() && at(e) <= to.getTime());
      expect(expected.some((e) => at(e) === from.getTime())).toBe(true);
      expect(expected.some((e) => at(e) === to.getTime())).toBe(true);
      expect(await collect(exportLines(source, { from, to }))).toEqual(expected);
      expect(await collect(exportLines(source, { from }))).toEqual(full.filter((e) => at(e) >= from.getTime()));
      expect(await collect(exportLines(source, { to }))).toEqual(full.filter((e) => at(e) <= to.getTime()));
      expect(await collect(exportLines(source, { from: to, to: from }))).toEqual([]);
    });

    it('fromPosition: from that position on, inclusive; beyond the head, nothing', async () => {
      const got = await collect(exportLines(source, { fromPosition: 2500n }));
      expect(got).toEqual(full.filter((e) => e.position >= 2500));
      expect(got[0].position).toBe(2500);
      expect(await collect(exportLines(source, { fromPosition: BigInt(full.length + 1) }))).toEqual([]);
    });

    it('limit: the first n lines that pass the other filters; 0 gives none', async () => {
      expect(await collect(exportLines(source, { limit: 5 }))).toEqual(full.slice(0, 5));
      expect(await collect(exportLines(source, { limit: 2001 }))).toEqual(full.slice(0, 2001));
      expect(await collect(exportLines(source, { limit: 0 }))).toEqual([]);
      expect(await collect(exportLines(source, { type: 'RecommendationDeclined', limit: 3 }))).toEqual(
        full.filter((e) => e.type === 'RecommendationDeclined').slice(0, 3),
      );
    });

    it('combined: stream, type, time window, position and limit together', async () => {
      const from = new Date(plus(SESSION_AT, 50 * HOUR));
      const filter: ExportFilter = { type: 'RecommendationAssigned', from, fromPosition: 1000n, limit: 7 };
      const expected = full
        .filter((e) => e.type === 'RecommendationAssigned' && e.position >= 1000)
        .filter((e) => new Date(String(e.metadata.occurredAt)) >= from)
        .slice(0, 7);
      expect(expected).toHaveLength(7);
      expect(await collect(exportLines(source, filter))).toEqual(expected);
      const stream = recommendationStreams()[3];
      expect(await collect(exportLines(source, { stream, fromPosition: 1000n, type: 'RecommendationResolved' }))).toEqual(
        full.filter((e) => e.stream === stream && e.position >= 1000 && e.type === 'RecommendationResolved'),
      );
    });
  });

  it('a log whose positions are not contiguous (the port allows it; EventStoreDB commit positions never are) still verifies after import', async () => {
    // The same service history, but the store handed out positions with gaps, as EventStoreDB does.
    const gapsDir = join(dir, 'gaps');
    const file = eventStoreFile(gapsDir);
    const items = makeItems(20, 18);
    const actor = { sub: 'system:audit', role: 'system' };
    let store = new SqliteEventStore({ file, synchronous: 'NORMAL' });
    await writeSteps(store, items, 0, 3);
    const first = await writeCheckpoint(store, signer, actor, new Date('2025-09-01T00:00:00Z'));
    await store.close();
    const db = new Database(file);
    db.prepare("UPDATE sqlite_sequence SET seq = seq + 1000 WHERE name = 'events'").run();
    db.close();
    store = new SqliteEventStore({ file, synchronous: 'NORMAL' });
    await writeSteps(store, items, 3, 10);
    const second = await writeCheckpoint(store, signer, actor, new Date('2025-09-02T00:00:00Z'));
    const original = await verifyLog(store, { publicKey: signer.publicKey, held: [held(first!), held(second!)] });
    expect(original).toMatchObject({ ok: true, checkpoints: 2, failures: [] });
    const out = join(dir, 'gaps.ndjson');
    await exportToFile(store, out);
    await store.close();

    const copy = new SqliteEventStore({ file: eventStoreFile(join(dir, 'gaps-imported')) });
    try {
      await importFromFile(copy, out);
      const report = await verifyLog(copy, { publicKey: signer.publicKey, held: [held(first!), held(second!)] });
      expect(report.rootHash).toBe(original.rootHash);
      expect(report.failures).toEqual([]);
    } finally {
      await copy.close();
    }
  });
});
