/**
 * Audit export at scale: seeds N events through EventStreamRepository (about N / 10
 * recommendations of ten events each, with the service's metadata and hash chain, many appends in
 * flight), signs a checkpoint, then
 * - exports the log to an NDJSON file as `npm run cli -- export` does (write backpressure), sampling
 *   the RSS every 10,000 lines: the peak next to the RSS just before the export (the baseline);
 * - imports the file into an empty data folder as `npm run cli -- import` does (events/s);
 * - runs verifyLog on the import (every chain, the root hash, the signed checkpoint).
 * Usage: npm run bench:export [-- --events 1000000]
 */
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { finished } from 'node:stream/promises';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { AuditSigner, exportLines, importLines, verifyLog, writeCheckpoint } from '../libs/audit/src';
import { EventStreamRepository, SqliteEventStore, eventStoreFile } from '../libs/event-store/src';
import { CURRENT_SCHEMA_VERSION, recommendationStream, type RecommendationEvent } from '../libs/recommendations/src';
import { HOUR, SESSION_AT, aRecommendation, commune, plus } from '../libs/recommendations/src/testing/recommendation.builder';
import { machine, printTable, type Row } from './bench-support';

const MiB = 2 ** 20;
/** Recommendations being written at once; each appends its events one command at a time. */
const IN_FLIGHT = 1000;
const SAMPLE_EVERY = 10_000;

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

/** A full GC before a baseline is taken, so that seeding garbage does not inflate it. */
const gc: () => void = (() => {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
})();

function seconds(since: bigint): number {
  return Number(process.hrtime.bigint() - since) / 1e9;
}

const COMMUNES = ['tam-thanh', 'luong-van-tri', 'dong-kinh', 'ky-lua', 'hoang-van-thu', 'that-khe', 'na-sam', 'van-lang'];
const DEPARTMENTS = ['home-affairs', 'finance', 'construction', 'health', 'justice'];

/** Ten events: one of two complete lifecycles, as a busy year would leave them. */
function history(i: number, id: string): RecommendationEvent[] {
  const b = aRecommendation(id).raisedBy(commune(COMMUNES[i % COMMUNES.length]), {
    at: plus(SESSION_AT, (i % 5000) * HOUR),
    title: `Recommendation ${i}: invest in a centralized headquarters`,
    category: ['staffing', 'headquarters', 'traffic', 'land'][i % 4],
  });
  const dept = DEPARTMENTS[i % DEPARTMENTS.length];
  const other = DEPARTMENTS[(i + 1) % DEPARTMENTS.length];
  return b.travelled(i % 2 === 0 ? 'returned' : 'extended', dept, other).build();
}

async function seed(store: SqliteEventStore, events: number): Promise<void> {
  const repo = new EventStreamRepository(store, CURRENT_SCHEMA_VERSION);
  const items = Math.ceil(events / 10);
  const actor = { sub: 'secretariat-clerk', name: 'Secretariat clerk', role: 'secretariat' };
  let next = 0;
  let written = 0;
  let reported = 0;
  const worker = async () => {
    for (let i = next++; i < items; i = next++) {
      const id = randomUUID();
      const stream = recommendationStream(id);
      const steps = history(i, id).slice(0, Math.min(10, events - i * 10));
      for (let step = 0; step < steps.length; step++) {
        const occurredAt = plus(SESSION_AT, ((i % 5000) + step) * HOUR);
        const context = { actor, occurredAt, correlationId: `${id}:${step}`, causationId: `${id}:${step}` };
        const loaded = await repo.load(stream);
        await repo.append(stream, loaded, [steps[step]], context);
        written++;
      }
      if (written - reported >= 100_000) {
        reported = written;
        process.stderr.write(`  seeded ${written} events\n`);
      }
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
}

export async function benchExport(events: number): Promise<Row[]> {
  const dir = mkdtempSync(join(tmpdir(), 'fut-bench-export-'));
  const started = process.hrtime.bigint();
  try {
    const sourceDir = join(dir, 'source');
    const signer = new AuditSigner(generateKeyPairSync('ed25519').privateKey);

    // Seed (fast settings: this is the fixture, not the figure).
    let t = process.hrtime.bigint();
    const seedStore = new SqliteEventStore({ file: eventStoreFile(sourceDir), synchronous: 'NORMAL' });
    await seed(seedStore, events);
    const seedSeconds = seconds(t);
    t = process.hrtime.bigint();
    const checkpoint = await writeCheckpoint(seedStore, signer, { sub: 'system:audit', role: 'system' }, new Date());
    const checkpointSeconds = seconds(t);
    const logEvents = Number(await seedStore.headPosition());
    await seedStore.close();
    if (!checkpoint) throw new Error('no checkpoint written');
    process.stderr.write(
      `  seeded ${logEvents} events in ${seedSeconds.toFixed(1)} s; checkpoint in ${checkpointSeconds.toFixed(1)} s\n`,
    );

    // Export, as the CLI does: a fresh store on the data folder, lines written with backpressure.
    gc();
    const baseline = process.memoryUsage().rss;
    let peak = baseline;
    const exportFile = join(dir, 'export.ndjson');
    t = process.hrtime.bigint();
    const source = new SqliteEventStore({ file: eventStoreFile(sourceDir) });
    const out = createWriteStream(exportFile);
    let exported = 0;
    for await (const line of exportLines(source)) {
      if (!out.write(line)) await once(out, 'drain');
      if (++exported % SAMPLE_EVERY === 0) peak = Math.max(peak, process.memoryUsage().rss);
    }
    out.end();
    await finished(out);
    await source.close();
    peak = Math.max(peak, process.memoryUsage().rss);
    const exportSeconds = seconds(t);
    const exportBytes = statSync(exportFile).size;
    process.stderr.write(`  exported ${exported} events in ${exportSeconds.toFixed(1)} s\n`);

    // Import into an empty data folder, as the CLI does (default durability: synchronous=FULL).
    gc();
    const importBaseline = process.memoryUsage().rss;
    let importPeak = importBaseline;
    t = process.hrtime.bigint();
    const target = new SqliteEventStore({ file: eventStoreFile(join(dir, 'imported')) });
    let read = 0;
    const lines = createInterface({ input: createReadStream(exportFile), crlfDelay: Infinity });
    const sampled = (async function* () {
      for await (const line of lines) {
        if (++read % SAMPLE_EVERY === 0) importPeak = Math.max(importPeak, process.memoryUsage().rss);
        yield line;
      }
    })();
    const imported = await importLines(target, sampled);
    const importSeconds = seconds(t);
    process.stderr.write(`  imported ${imported} events in ${importSeconds.toFixed(1)} s\n`);

    // Verify the import: every chain, the root hash, the checkpoint signed before the export.
    t = process.hrtime.bigint();
    const report = await verifyLog(target, { publicKey: signer.publicKeyPem() });
    const verifySeconds = seconds(t);
    await target.close();
    process.stderr.write(`  verified in ${verifySeconds.toFixed(1)} s: ok=${report.ok}, ${report.failures.length} failures\n`);
    if (!report.ok) process.stderr.write(`  first failures: ${JSON.stringify(report.failures.slice(0, 5))}\n`);

    const mib = (bytes: number) => bytes / MiB;
    return [
      {
        scenario: 'seed',
        figure: `${logEvents} events via EventStreamRepository`,
        value: logEvents / seedSeconds,
        unit: 'events/s',
      },
      { scenario: 'seed', figure: 'seed wall time (synchronous=NORMAL)', value: seedSeconds, unit: 's' },
      { scenario: 'seed', figure: 'writeCheckpoint over the whole log', value: checkpointSeconds, unit: 's' },
      { scenario: 'export', figure: 'RSS before export', value: mib(baseline), unit: 'MiB' },
      {
        scenario: 'export',
        figure: `peak RSS (sampled every ${SAMPLE_EVERY} lines)`,
        value: mib(peak),
        unit: 'MiB',
        baseline: 'RSS before export',
        ratio: peak / baseline,
      },
      { scenario: 'export', figure: 'peak RSS growth', value: mib(peak - baseline), unit: 'MiB' },
      { scenario: 'export', figure: `rate (${exported} lines)`, value: exported / exportSeconds, unit: 'events/s' },
      { scenario: 'export', figure: 'wall time', value: exportSeconds, unit: 's' },
      { scenario: 'export', figure: 'NDJSON size', value: mib(exportBytes), unit: 'MiB' },
      {
        scenario: 'import',
        figure: `rate (${imported} events, synchronous=FULL)`,
        value: imported / importSeconds,
        unit: 'events/s',
      },
      { scenario: 'import', figure: 'wall time', value: importSeconds, unit: 's' },
      {
        scenario: 'import',
        figure: 'peak RSS',
        value: mib(importPeak),
        unit: 'MiB',
        baseline: 'RSS before import',
        ratio: importPeak / importBaseline,
      },
      {
        scenario: 'verify',
        figure: `import ok (${report.events} events, ${report.checkpoints} checkpoint)`,
        value: report.ok ? 1 : 0,
        unit: report.ok ? '(ok)' : '(FAILED)',
      },
      { scenario: 'verify', figure: 'rate', value: report.events / verifySeconds, unit: 'events/s' },
      { scenario: 'verify', figure: 'wall time', value: verifySeconds, unit: 's' },
      { scenario: 'total', figure: 'wall time', value: seconds(started), unit: 's' },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  const events = arg('events', 1_000_000);
  void benchExport(events).then((rows) => {
    console.log(`machine: ${JSON.stringify(machine())}; ${events} events`);
    printTable(rows);
  });
}
