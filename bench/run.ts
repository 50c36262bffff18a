/**
 * `npm run bench [-- --quick]`: every scenario, one table, each figure next to a baseline measured
 * in the same run (this machine is shared and noisy: the ratios are what to track). Writes
 * bench/results/<date>.json with the machine's description. Never fails on a figure.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchAuth } from './auth.bench';
import { machine, printTable, type Row } from './bench-support';
import { benchHttp } from './http.bench';
import { benchMemory } from './memory.bench';
import { benchReads } from './reads.bench';
import { benchReminders } from './reminders.bench';
import { benchStore } from './store.bench';

async function main(): Promise<void> {
  const quick = process.argv.includes('--quick');
  const sizes = quick
    ? { storeSeconds: 1, httpSeconds: 5, authSeconds: 5, items: 10_000, scheduled: 10_000, fired: 1_000 }
    : { storeSeconds: 3, httpSeconds: 15, authSeconds: 10, items: 100_000, scheduled: 100_000, fired: 10_000 };
  const started = Date.now();
  // The HTTP and memory scenarios run the built service, as `npm start` does.
  execFileSync('npm', ['run', '-s', 'build'], { stdio: 'inherit' });
  const rows: Row[] = [];
  const step = async (name: string, scenario: () => Promise<Row[]>) => {
    const t = Date.now();
    process.stderr.write(`bench: ${name}…\n`);
    rows.push(...(await scenario()));
    process.stderr.write(`bench: ${name} done in ${((Date.now() - t) / 1000).toFixed(0)} s\n`);
  };
  await step('appends', () => benchStore(sizes.storeSeconds));
  await step('http', () => benchHttp(sizes.httpSeconds));
  await step('sign-in', () => benchAuth(sizes.authSeconds));
  const seeded = mkdtempSync(join(tmpdir(), 'fut-bench-seeded-'));
  try {
    await step('reads and rebuild', () => benchReads(sizes.items, { dataDir: seeded }));
    await step('memory', () => benchMemory(seeded, sizes.items * 10));
  } finally {
    rmSync(seeded, { recursive: true, force: true });
  }
  await step('reminders', () => benchReminders(sizes.scheduled, sizes.fired));

  const description = machine();
  console.log(
    `machine: ${JSON.stringify(description)}; ${quick ? 'quick' : 'full'} run in ${((Date.now() - started) / 1000).toFixed(0)} s`,
  );
  printTable(rows);
  const dir = join(__dirname, 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${new Date().toISOString().slice(0, 19).replace(/:/g, '-')}${quick ? '-quick' : ''}.json`);
  writeFileSync(file, `${JSON.stringify({ date: new Date().toISOString(), quick, machine: description, rows }, null, 2)}\n`);
  console.log(`results: ${file}`);
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
