/**
 * Memory of the service: peak RSS (VmHWM) of the built service while it projects a whole log of
 * seeded events from scratch, next to the same service started on an empty data folder.
 */
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Row } from './bench-support';
import { startService, waitCaughtUp } from './service-process';

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
    ];
  } finally {
    rmSync(empty, { recursive: true, force: true });
    rmSync(loaded, { recursive: true, force: true });
  }
}
