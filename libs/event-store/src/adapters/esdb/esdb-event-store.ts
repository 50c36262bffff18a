import { BACKWARDS, END, EventStoreDBClient, FORWARDS, START } from '@eventstore/db-client';
import { InvalidAppendError, StoreUnavailableError } from '../../event-store.errors';
import type {
  AppendResult,
  EventStore,
  EventSubscription,
  ExpectedRevision,
  NewEvent,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  SubscribeOptions,
} from '../../event-store.port';
import { findBackwards, KnownPositions, lastPositionBefore, readForwards } from './esdb-log';
import {
  isSystemEvent,
  knownPosition,
  positionOf,
  toEsdbEvent,
  toEsdbExpectedRevision,
  toPortError,
  toRecordedEvent,
  type ErrorContext,
} from './esdb-mapping';
import { EsdbSubscription, type ResubscribeBackoff } from './esdb-subscription';

/** The calls the adapter makes on the gRPC client; a narrow type so tests can stand in for it. */
export type EsdbClient = Pick<EventStoreDBClient, 'appendToStream' | 'readStream' | 'readAll' | 'subscribeToAll' | 'dispose'>;

export interface EsdbEventStoreOptions {
  /** Delay before re-opening a dropped subscription; doubles up to `maxMs`. Default 100 ms to 5 s. */
  resubscribeBackoff?: ResubscribeBackoff;
  /** Told about dropped subscriptions, which are re-opened on their own. */
  logger?: { warn(message: string, context?: Record<string, unknown>): void };
}

/**
 * The event store port on EventStoreDB / KurrentDB over gRPC.
 *
 * Positions are commit positions in `$all`. Client errors become port errors (wrong expected
 * version → `ConcurrencyError`, connection trouble → `StoreUnavailableError`).
 * System events (`$` types or streams) never reach callers of `readAll`, `subscribe` or
 * `headPosition`. Requires server 22.6 or later, which reports positions on stream reads.
 */
export class EsdbEventStore implements EventStore {
  private readonly subscriptions = new Set<EsdbSubscription>();
  private readonly known = new KnownPositions();
  private closed = false;

  constructor(
    private readonly client: EsdbClient,
    private readonly options: EsdbEventStoreOptions = {},
  ) {}

  /** Connects with an `esdb://` connection string; `kurrentdb://` and `kdb://` are accepted as aliases. */
  static fromConnectionString(connectionString: string, options?: EsdbEventStoreOptions): EsdbEventStore {
    // The 6.x client only knows the esdb scheme; KurrentDB documents the new names for the same format.
    const esdb = connectionString.replace(/^(kurrentdb|kdb)(\+discover)?:\/\//, 'esdb$2://');
    return new EsdbEventStore(EventStoreDBClient.connectionString(esdb), options);
  }

  async append(stream: string, events: readonly NewEvent[], expected: ExpectedRevision): Promise<AppendResult> {
    if (events.length === 0) throw new InvalidAppendError('an append needs at least one event');
    return this.call({ stream, expected }, async () => {
      const result = await this.client.appendToStream(stream, events.map(toEsdbEvent), {
        expectedRevision: toEsdbExpectedRevision(expected),
      });
      const nextRevision = result.nextExpectedRevision;
      const position = knownPosition(result.position?.commit) ?? (await this.positionOfRevision(stream, nextRevision));
      return { nextRevision, position };
    });
  }

  async readStream(stream: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const backwards = options.direction === 'backwards';
    return this.call({ stream }, async () => {
      const events: RecordedEvent[] = [];
      const read = this.client.readStream(stream, {
        direction: backwards ? BACKWARDS : FORWARDS,
        fromRevision: options.fromRevision ?? (backwards ? END : START),
        maxCount: options.maxCount,
      });
      for await (const resolved of read) events.push(this.surface(toRecordedEvent(resolved)));
      return events;
    });
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    const checkpoint = options.afterPosition;
    const fromPosition = checkpoint !== undefined ? checkpoint + 1n : (options.fromPosition ?? 0n);
    const maxCount = options.maxCount ?? Number.MAX_SAFE_INTEGER;
    return this.call({}, async () => {
      const events: RecordedEvent[] = [];
      if (maxCount <= 0) return events;
      // A checkpoint is an event's position, where the server can start reading: no search needed.
      const after = checkpoint ?? (await lastPositionBefore(this.client, fromPosition, this.known));
      for await (const resolved of readForwards(this.client, after)) {
        if (positionOf(resolved) < fromPosition || isSystemEvent(resolved)) continue;
        events.push(this.surface(toRecordedEvent(resolved)));
        if (events.length >= maxCount) break;
      }
      return events;
    });
  }

  subscribe(options: SubscribeOptions = {}): EventSubscription {
    const logger = this.options.logger;
    const subscription = new EsdbSubscription(this.client, {
      fromPosition: options.afterPosition !== undefined ? options.afterPosition + 1n : options.fromPosition,
      backoff: this.options.resubscribeBackoff ?? { initialMs: 100, maxMs: 5_000 },
      findStart: (fromPosition) =>
        options.afterPosition !== undefined
          ? Promise.resolve(options.afterPosition)
          : this.call({}, () => lastPositionBefore(this.client, fromPosition, this.known)),
      onDelivered: (position) => this.known.add(position),
      onDropped: (error, retryInMs) =>
        logger?.warn('EventStoreDB subscription dropped; re-subscribing', { error: String(error), retryInMs }),
      onStop: (s) => this.subscriptions.delete(s),
    });
    if (this.closed) void subscription.stop();
    else this.subscriptions.add(subscription);
    return subscription;
  }

  async headPosition(): Promise<bigint> {
    return this.call({}, async () => {
      const newest = await findBackwards(this.client, END, (resolved) => !isSystemEvent(resolved), 32);
      if (!newest) return 0n;
      const position = positionOf(newest);
      this.known.add(position);
      return position;
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.subscriptions].map((s) => s.stop()));
    await this.client.dispose();
  }

  /** The global position of the event at `revision`, for servers that answer an append without one. */
  private async positionOfRevision(stream: string, revision: bigint): Promise<bigint> {
    for await (const resolved of this.client.readStream(stream, { fromRevision: revision, maxCount: 1 })) {
      return positionOf(resolved);
    }
    throw new Error(`stream ${stream} has no event at revision ${revision} right after appending it`);
  }

  private surface(event: RecordedEvent): RecordedEvent {
    this.known.add(event.position);
    return event;
  }

  private async call<T>(context: ErrorContext, operation: () => Promise<T>): Promise<T> {
    if (this.closed) throw new StoreUnavailableError('event store is closed');
    try {
      return await operation();
    } catch (error) {
      throw toPortError(error, context);
    }
  }
}
