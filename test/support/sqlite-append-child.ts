/**
 * Child process for the crash test: appends from many concurrent writers and prints one line
 * per acknowledged append (`ack <event id>`), until it is killed.
 */
import { randomUUID } from 'node:crypto';
import { SqliteEventStore } from '../../libs/event-store/src';

const [file, writersArg] = process.argv.slice(2);
const store = new SqliteEventStore({ file });
const writers = Number(writersArg ?? 20);

async function writer(n: number): Promise<void> {
  const stream = `crash-${n}-${randomUUID()}`;
  for (let revision = 0; ; revision++) {
    const id = randomUUID();
    await store.append(
      stream,
      [{ id, type: 'Counted', data: { revision }, metadata: {} }],
      revision === 0 ? 'no_stream' : BigInt(revision - 1),
    );
    process.stdout.write(`ack ${id}\n`);
  }
}

process.stdout.write('ready\n');
for (let n = 0; n < writers; n++) void writer(n);
