import type Database from 'better-sqlite3';
import { extname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Actor } from '@app/recommendations';
import { InvalidCursorError, itemsAsOf } from './queries/list-recommendations';
import { overdueReport, summaryReport, type OverdueGroupBy, type OverduePage } from './queries/reports';

/** A report of the past, as a thread receives it. */
export type ReportRequest =
  | { kind: 'summary'; actor: Actor; period: { from?: Date; to?: Date }; asOf: Date }
  | { kind: 'overdue'; actor: Actor; groupBy: OverdueGroupBy; page: OverduePage; asOf: Date };

export interface ReportMessage {
  id: number;
  file: string;
  request: ReportRequest;
}

type Reply = { id: number; result: unknown } | { id: number; error: { name: string; message: string } };

/** Runs one report of the past on a connection: what a thread does with a request. */
export function runReport(db: Database.Database, request: ReportRequest): unknown {
  const items = itemsAsOf(request.asOf);
  return request.kind === 'summary'
    ? summaryReport(db, request.actor, request.period, request.asOf, items)
    : overdueReport(db, request.actor, request.groupBy, request.asOf, request.page, items);
}

/**
 * Threads that build reports of the past (asOf), each with its own read-only connection to the
 * read-model file: the event loop only posts the request and the answer, so /health and the
 * daily work keep their turn however heavy a report is. Requests beyond the threads wait for one.
 */
export class ReportThreads {
  private readonly workers: Worker[] = [];
  private readonly idle: Worker[] = [];
  private readonly waiting: Array<() => void> = [];
  private readonly pending = new Map<
    number,
    { worker: Worker; resolve: (value: unknown) => void; reject: (error: Error) => void }
  >();
  private nextId = 1;

  constructor(private readonly size = 1) {}

  async run(file: string, request: ReportRequest): Promise<unknown> {
    const worker = await this.acquire();
    try {
      return await new Promise((resolve, reject) => {
        const id = this.nextId++;
        this.pending.set(id, { worker, resolve, reject });
        worker.postMessage({ id, file, request } satisfies ReportMessage);
      });
    } finally {
      if (this.workers.includes(worker)) this.idle.push(worker);
      this.waiting.shift()?.();
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((worker) => worker.terminate()));
    this.workers.length = 0;
    this.idle.length = 0;
  }

  private async acquire(): Promise<Worker> {
    for (;;) {
      const free = this.idle.pop();
      if (free) return free;
      if (this.workers.length < this.size) return this.spawn();
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
  }

  private spawn(): Worker {
    // Built, the thread is the compiled .js beside this file; under the test runner it is the
    // TypeScript source, compiled on the fly as the rest of the code is.
    const file = join(__dirname, `report-thread.worker${extname(__filename)}`);
    const worker = new Worker(file, extname(__filename) === '.ts' ? { execArgv: ['-r', '@swc-node/register'] } : {});
    worker.unref();
    worker.on('message', (reply: Reply) => {
      const waiter = this.pending.get(reply.id);
      if (!waiter) return;
      this.pending.delete(reply.id);
      if ('error' in reply) waiter.reject(asError(reply.error));
      else waiter.resolve(reply.result);
    });
    worker.on('error', (error) => {
      for (const [id, waiter] of this.pending) {
        if (waiter.worker !== worker) continue;
        this.pending.delete(id);
        waiter.reject(error);
      }
      this.workers.splice(this.workers.indexOf(worker), 1);
      const at = this.idle.indexOf(worker);
      if (at >= 0) this.idle.splice(at, 1);
    });
    this.workers.push(worker);
    return worker;
  }
}

/** An error from a thread as the caller would have seen it in this thread. */
function asError({ name, message }: { name: string; message: string }): Error {
  if (name === 'InvalidCursorError') return new InvalidCursorError(message);
  const error = new Error(message);
  error.name = name;
  return error;
}
