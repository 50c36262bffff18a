/**
 * Child process for the contract's late-commit case on SQLite: on a connection of its own to the
 * event store file, it appends one event (JSON in argv) as the first of a stream inside a write
 * transaction, prints the position the event took, and commits (then exits) only when told to on stdin.
 */
import Database from 'better-sqlite3';
import { createInterface } from 'node:readline';
import type { NewEvent } from '../../libs/event-store/src';

const [file, stream, json] = process.argv.slice(2);
const event = JSON.parse(json) as NewEvent;
const db = new Database(file, { timeout: 5000 });
db.pragma('journal_mode = WAL');
db.exec('BEGIN IMMEDIATE');
const info = db
  .prepare('INSERT INTO events (stream, revision, id, type, data, metadata, recorded_at) VALUES (?, 0, ?, ?, ?, ?, ?)')
  .run(stream, event.id, event.type, JSON.stringify(event.data), JSON.stringify(event.metadata), new Date().toISOString());
process.stdout.write(`holding ${info.lastInsertRowid}\n`);
createInterface({ input: process.stdin }).on('line', (line) => {
  if (line !== 'commit') return;
  db.exec('COMMIT');
  db.close();
  // Exit code 0 is the parent's sign that the commit is done.
  process.exit(0);
});
