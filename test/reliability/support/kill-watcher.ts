/**
 * Child process of the crash test: watches the service's files from outside and SIGKILLs the
 * service (by pid) at a precise moment, without the jitter of the busy test process.
 * - `lag`: as soon as the log is at least `minLag` events ahead of the read models' checkpoint
 *   (commands committed, not yet projected);
 * - `batch`: as soon as the read models' checkpoint jumps by at least `minLag` between two polls,
 *   i.e. right after a projection batch that large committed (a build that wrote the checkpoint
 *   before the rows would be killed while the rows are still being written).
 * Polls every ~0.2 ms with read-only connections; prints one JSON line and exits.
 *
 * Usage: kill-watcher.ts '{"events":…,"readModels":…,"pid":…,"mode":"lag"|"batch","minLag":…,"timeoutMs":…}'
 */
import Database from 'better-sqlite3';

interface Options {
  events: string;
  readModels: string;
  pid: number;
  mode: 'lag' | 'batch';
  minLag: number;
  timeoutMs: number;
}

const options = JSON.parse(process.argv[2] ?? '{}') as Options;
const events = new Database(options.events, { readonly: true });
const readModels = new Database(options.readModels, { readonly: true });
const head = events.prepare('SELECT max(position) AS p FROM events');
const checkpoint = readModels.prepare('SELECT min(position) AS p FROM projection_checkpoints');
const read = () => ({
  head: (head.get() as { p: number | null }).p ?? 0,
  checkpoint: (checkpoint.get() as { p: number | null }).p ?? 0,
});
const sleeper = new Int32Array(new SharedArrayBuffer(4));

process.stdout.write('ready\n');
// Give the parent a moment to start the load before the first poll.
Atomics.wait(sleeper, 0, 0, 50);
const deadline = Date.now() + options.timeoutMs;
let previous = read();
let maxLag = 0;
for (;;) {
  const now = read();
  const lag = now.head - now.checkpoint;
  maxLag = Math.max(maxLag, lag);
  const batch = now.checkpoint - previous.checkpoint;
  const hit = options.mode === 'lag' ? lag >= options.minLag : batch >= options.minLag;
  const timedOut = Date.now() > deadline;
  if (hit || timedOut) {
    try {
      process.kill(options.pid, 'SIGKILL');
    } catch {
      // Already dead: the report says what the files showed.
    }
    process.stdout.write(
      `${JSON.stringify({ hit, timedOut, ...now, lag, batch, lagBeforeBatch: previous.head - previous.checkpoint, maxLag })}\n`,
    );
    break;
  }
  previous = now;
  Atomics.wait(sleeper, 0, 0, 0.2);
}
events.close();
readModels.close();
