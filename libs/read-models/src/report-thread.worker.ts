import type Database from 'better-sqlite3';
import { parentPort } from 'node:worker_threads';
import { openReadModelDb } from './read-model-db';
import { runReport, type ReportMessage } from './report-threads';

/**
 * A thread that answers reports of the past from the read-model file, on a read-only connection of
 * its own, so their work never holds the service's event loop.
 */
const connections = new Map<string, Database.Database>();

parentPort?.on('message', ({ id, file, request }: ReportMessage) => {
  try {
    let db = connections.get(file);
    if (!db) {
      for (const other of connections.values()) other.close();
      connections.clear();
      db = openReadModelDb(file, { readonly: true });
      connections.set(file, db);
    }
    parentPort?.postMessage({ id, result: runReport(db, request) });
  } catch (error) {
    const { name, message } = error as Error;
    parentPort?.postMessage({ id, error: { name, message } });
  }
});
