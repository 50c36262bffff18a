/**
 * Child process for the late-commit test: opens its own connection to the event store file,
 * inserts an event inside a write transaction, and commits only when told to on stdin.
 */
import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { createInterface } from 'node:readline';

const [file] = process.argv.slice(2);
const db = new Database(file, { timeout: 5000 });
db.pragma('journal_mode = WAL');
db.exec('BEGIN IMMEDIATE');
const info = db
  .prepare('INSERT INTO events (stream, revision, id, type, data, metadata, recorded_at) VALUES (?, 0, ?, ?, ?, ?, ?)')
  .run(`late-${randomUUID()}`, randomUUID(), 'LateCommitted', '{}', '{}', new Date().toISOString());
process.stdout.write(`holding ${info.lastInsertRowid}\n`);
createInterface({ input: process.stdin }).on('line', (line) => {
  if (line === 'commit') {
    db.exec('COMMIT');
    process.stdout.write('committed\n');
    db.close();
    process.exit(0);
  }
});
