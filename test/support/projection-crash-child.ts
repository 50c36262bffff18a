/**
 * Child process for the projection crash test: projects an event store file into a read-model
 * file with batches of 500 and kills itself with SIGKILL
 * - `apply N`: right after the N-th event is applied, inside the batch's open transaction;
 * - `commit N`: right after the batch that ends with the N-th event committed, before the next starts.
 * Prints `done <position>` and exits 0 when it reaches the head of the log without dying.
 *
 * Usage: projection-crash-child.ts <events file> <read-model file> <apply|commit> <N>
 */
import type { EventEmitter } from 'node:events';
import { SqliteEventStore } from '../../libs/event-store/src/adapters/sqlite/sqlite-event-store';
import { ProjectionRunner } from '../../libs/read-models/src/projection-runner';
import { openReadModelDb } from '../../libs/read-models/src/read-model-db';
import { createProjections } from '../../libs/read-models/src/rebuild';

const [eventsFile, readModelFile, mode, nArg] = process.argv.slice(2);
const n = Number(nArg);
if (!eventsFile || !readModelFile || (mode !== 'apply' && mode !== 'commit') || !Number.isInteger(n) || n < 1) {
  process.stderr.write('usage: projection-crash-child.ts <events file> <read-model file> <apply|commit> <N>\n');
  process.exit(2);
}

const die = () => process.kill(process.pid, 'SIGKILL');

async function main(): Promise<void> {
  const store = new SqliteEventStore({ file: eventsFile });
  const db = openReadModelDb(readModelFile);
  let applied = 0;
  // Each projection applies the batch in turn: count events, not applications.
  const seen = new Set<bigint>();
  const runner = new ProjectionRunner(store, db, createProjections(), {
    batchSize: 500,
    afterApply: (event) => {
      if (seen.has(event.position)) return;
      seen.add(event.position);
      applied += 1;
      if (mode === 'apply' && applied === n) die();
    },
  });
  if (mode === 'commit') {
    // The runner announces each committed batch on its (private) progress emitter, synchronously
    // after COMMIT and before it opens the next batch's transaction.
    const progress = (runner as unknown as { progress: EventEmitter }).progress;
    progress.on('progress', () => {
      if (applied === n) die();
    });
  }
  process.stdout.write(`started ${runner.position}\n`);
  await runner.catchUp();
  process.stdout.write(`done ${runner.position} applied ${applied}\n`);
  db.close();
  await store.close();
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
