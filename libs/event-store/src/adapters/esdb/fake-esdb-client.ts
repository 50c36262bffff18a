import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { BACKWARDS, END, START } from '@eventstore/db-client';
import type { AllStreamResolvedEvent, ReadAllOptions, SubscribeToAllOptions } from '@eventstore/db-client';
import type { EsdbClient } from './esdb-event-store';

/**
 * A stand-in for the gRPC client in unit tests: an in-memory `$all` that behaves like the server
 * where the adapter depends on it. Forward reads include their start, backwards reads and
 * subscriptions exclude it, and a read or subscription from a position where no record begins
 * fails, as it does on a real server.
 */
export class FakeEsdbClient {
  readonly log: AllStreamResolvedEvent[] = [];
  readonly subscribeCalls: SubscribeToAllOptions[] = [];
  readonly readAllCalls: ReadAllOptions[] = [];
  disposed = false;
  /** Makes subscriptions also send the record they start after, as a careless server might. */
  subscriptionsRepeatStart = false;
  private nextPosition = 1_000n;
  private readonly live = new Set<FakeSubscription>();
  private readonly scripted: Array<{ deliver: number; failWith: Error }> = [];

  /** Adds a record to the log and pushes it to open subscriptions; returns it. */
  record(stream: string, type = 'Counted', data: Record<string, unknown> = {}): AllStreamResolvedEvent {
    const position = this.nextPosition;
    // Records are far apart, as on disk, so position + 1 is never a record.
    this.nextPosition += 137n;
    const revision = BigInt(this.log.filter((r) => r.event?.streamId === stream).length);
    const resolved: AllStreamResolvedEvent = {
      event: {
        streamId: stream,
        id: randomUUID(),
        isJson: true,
        revision,
        type,
        created: new Date(Number(position)),
        data,
        metadata: { source: 'fake' },
        position: { commit: position, prepare: position },
      },
    };
    this.log.push(resolved);
    for (const subscription of this.live) subscription.deliver(resolved);
    return resolved;
  }

  /** The next subscription delivers `deliver` events and then fails with `failWith`. */
  failNextSubscription(deliver: number, failWith: Error): void {
    this.scripted.push({ deliver, failWith });
  }

  readAll = (options: ReadAllOptions = {}) => {
    this.readAllCalls.push(options);
    const { fromPosition = START, direction, maxCount = Number.MAX_SAFE_INTEGER } = options;
    if (typeof fromPosition === 'object' && !this.isRecordStart(fromPosition.commit)) {
      return failing(new Error(`invalid position ${fromPosition.commit}`));
    }
    let records: AllStreamResolvedEvent[];
    if (direction === BACKWARDS) {
      const before = typeof fromPosition === 'object' ? this.log.filter((r) => at(r) < fromPosition.commit) : this.log;
      records = fromPosition === START ? [] : [...before].reverse();
    } else {
      records = fromPosition === END ? [] : this.log.filter((r) => fromPosition === START || at(r) >= fromPosition.commit);
    }
    return Readable.from(records.slice(0, Number(maxCount)));
  };

  subscribeToAll = (options: SubscribeToAllOptions = {}) => {
    this.subscribeCalls.push(options);
    const { fromPosition = START } = options;
    const script = this.scripted.shift();
    const subscription = new FakeSubscription(script?.deliver ?? Infinity, script?.failWith);
    if (typeof fromPosition === 'object' && !this.isRecordStart(fromPosition.commit)) {
      subscription.fail(new Error(`invalid position ${fromPosition.commit}`));
      return subscription as never;
    }
    this.live.add(subscription);
    subscription.on('close', () => this.live.delete(subscription));
    const typeFilter = options.filter && 'regex' in options.filter ? new RegExp(options.filter.regex) : undefined;
    for (const resolved of this.log) {
      const bound = typeof fromPosition === 'object' ? fromPosition.commit : undefined;
      if (fromPosition === END || (bound !== undefined && at(resolved) < bound)) continue;
      if (bound !== undefined && at(resolved) === bound && !this.subscriptionsRepeatStart) continue;
      if (typeFilter && !typeFilter.test(resolved.event?.type ?? '')) continue;
      subscription.deliver(resolved);
    }
    return subscription as never;
  };

  appendToStream = async () => {
    throw new Error('appendToStream is stubbed per test');
  };

  readStream = () => failing(new Error('readStream is stubbed per test'));

  dispose = async () => {
    this.disposed = true;
  };

  asClient(): EsdbClient {
    return this as unknown as EsdbClient;
  }

  private isRecordStart(position: bigint): boolean {
    return this.log.some((r) => at(r) === position);
  }
}

/**
 * A server subscription: hands out records one at a time, and reports its scripted failure only
 * once every record before it was taken, as a dropped connection would after the last message.
 */
class FakeSubscription extends Readable {
  private readonly queue: AllStreamResolvedEvent[] = [];
  private failure: Error | undefined;
  private waiting = false;

  constructor(
    private remaining: number,
    private readonly failAfter?: Error,
  ) {
    super({ objectMode: true, highWaterMark: 1 });
  }

  deliver(resolved: AllStreamResolvedEvent): void {
    if (this.remaining <= 0 || this.destroyed) return;
    this.remaining -= 1;
    this.queue.push(resolved);
    if (this.remaining === 0 && this.failAfter) this.failure = this.failAfter;
    this.pump();
  }

  fail(error: Error): void {
    this.failure = error;
    this.pump();
  }

  async unsubscribe(): Promise<void> {
    this.push(null);
  }

  override _read(): void {
    this.waiting = true;
    this.pump();
  }

  private pump(): void {
    if (!this.waiting) return;
    const next = this.queue.shift();
    if (next) {
      this.waiting = false;
      this.push(next);
    } else if (this.failure) {
      this.destroy(this.failure);
    }
  }
}

function at(resolved: AllStreamResolvedEvent): bigint {
  return resolved.event!.position.commit;
}

/** A read that fails as the client's streams do: with an 'error' event. */
export function failing(error: Error): Readable {
  const stream = new Readable({ objectMode: true, read() {} });
  setImmediate(() => stream.destroy(error));
  return stream;
}
