/**
 * Memory of the service: peak RSS (VmHWM) of the built service while it projects a whole log of
 * seeded events from scratch, next to the same service started on an empty data folder.
 */
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mintToken } from '../libs/common/src';
import { percentile, type Row } from './bench-support';
import { BENCH_SECRET, startService, waitCaughtUp } from './service-process';

const DAY = 86_400_000;

/** /health latency alone, then while 20 clients keep asking for summaries as of different past days. */
async function healthUnderAsOfLoad(url: string): Promise<{ idle: number; loaded: number; reports: number }> {
  const probe = async (count: number) => {
    const samples: number[] = [];
    for (let i = 0; i < count; i++) {
      const started = performance.now();
      await fetch(`${url}/health`).then((res) => res.arrayBuffer());
      samples.push(performance.now() - started);
    }
    return percentile(samples, 99);
  };
  const idle = await probe(200);
  const token = await mintToken(BENCH_SECRET, { sub: 'bench-committee', role: 'committee' });
  let running = true;
  let reports = 0;
  const client = async (n: number) => {
    for (let day = n; running; day += 20) {
      const asOf = new Date(Date.now() - (1 + (day % 200)) * DAY).toISOString();
      const res = await fetch(`${url}/reports/summary?asOf=${encodeURIComponent(asOf)}`, {
        headers: { Authorization: `Bearer ${token}` },
      });
      await res.arrayBuffer();
      if (res.ok) reports++;
    }
  };
  const clients = Array.from({ length: 20 }, (_, n) => client(n));
  const loaded = await probe(200);
  running = false;
  await Promise.all(clients);
  return { idle, loaded, reports };
}

export async function benchMemory(seededDir: string, events: number): Promise<Row[]> {
  const empty = mkdtempSync(join(tmpdir(), 'fut-bench-mem-empty-'));
  const loaded = mkdtempSync(join(tmpdir(), 'fut-bench-mem-'));
  try {
    const idle = await startService(empty, { REMINDERS: 'off' });
    await waitCaughtUp(idle.url);
    const idleRss = idle.peakRssMiB();
    await idle.stop();

    for (const suffix of ['', '-wal', '-shm']) {
      const from = join(seededDir, `events.sqlite${suffix}`);
      if (existsSync(from)) copyFileSync(from, join(loaded, `events.sqlite${suffix}`));
    }
    // Reminders off: this measures the service holding and projecting the log, not Redis traffic.
    const started = Date.now();
    const service = await startService(loaded, { REMINDERS: 'off' });
    await waitCaughtUp(service.url);
    const seconds = (Date.now() - started) / 1000;
    const peak = service.peakRssMiB();
    const health = await healthUnderAsOfLoad(service.url);
    await service.stop();
    return [
      { scenario: 'memory', figure: 'service RSS, empty data folder', value: idleRss, unit: 'MiB' },
      {
        scenario: 'memory',
        figure: `service peak RSS, ${events} events projected`,
        value: peak,
        unit: 'MiB',
        baseline: 'empty',
        ratio: peak / idleRss,
      },
      { scenario: 'memory', figure: 'start and project the whole log from scratch', value: events / seconds, unit: 'events/s' },
      { scenario: 'asOf', figure: 'GET /health p99, idle', value: health.idle, unit: 'ms' },
      {
        scenario: 'asOf',
        figure: `GET /health p99, 20 asOf summaries in flight (${health.reports} answered)`,
        value: health.loaded,
        unit: 'ms',
        baseline: 'idle',
        ratio: health.loaded / health.idle,
      },
    ];
  } finally {
    rmSync(empty, { recursive: true, force: true });
    rmSync(loaded, { recursive: true, force: true });
  }
}
