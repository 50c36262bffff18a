import { excludeSystemEvents, START } from '@eventstore/db-client';
import type { AllStreamSubscription, EventStoreDBClient } from '@eventstore/db-client';
import { StoreUnavailableError } from '../../event-store.errors';
import type { EventSubscription, RecordedEvent } from '../../event-store.port';
import { isRetryableDrop, isSystemEvent, positionOf, toEsdbPosition, toPortError, toRecordedEvent } from './esdb-mapping';

/** The part of the client that subscribes to `$all`. */
export type SubscribeClient = Pick<EventStoreDBClient, 'subscribeToAll'>;

export interface ResubscribeBackoff {
  initialMs: number;
  maxMs: number;
}

export interface EsdbSubscriptionOptions {
  /** First position to deliver (inclusive), as the port defines it. */
  fromPosition?: bigint;
  /** The record to subscribe after (exclusive) so that `fromPosition` comes first; undefined for the start. */
  findStart: (fromPosition: bigint | undefined) => Promise<bigint | undefined>;
  backoff: ResubscribeBackoff;
  onDelivered?: (position: bigint) => void;
  onDropped?: (error: unknown, retryInMs: number) => void;
  onStop: (subscription: EsdbSubscription) => void;
}

/**
 * Catch-up subscription to `$all` that outlives dropped connections.
 *
 * The server's subscriptions start after a position (exclusive) and filter system events by type;
 * events of system streams are dropped here too. When the server subscription fails for a reason a
 * retry can fix, a new one is opened after the last record received, with a growing delay: each
 * event is delivered once, in order, with none skipped.
 */
export class EsdbSubscription implements EventSubscription {
  private stopped = false;
  private iterated = false;
  private server: AllStreamSubscription | undefined;
  private wake: (() => void) | undefined;

  constructor(
    private readonly client: SubscribeClient,
    private readonly options: EsdbSubscriptionOptions,
  ) {}

  [Symbol.asyncIterator](): AsyncIterator<RecordedEvent> {
    if (this.iterated) throw new Error('a subscription can be iterated only once; subscribe again instead');
    this.iterated = true;
    return this.deliver();
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.wake?.();
    await this.releaseServer();
    this.options.onStop(this);
  }

  private async *deliver(): AsyncGenerator<RecordedEvent> {
    const minPosition = this.options.fromPosition ?? 0n;
    const { initialMs, maxMs } = this.options.backoff;
    // The last record received from the server; a new server subscription starts right after it.
    let cursor: bigint | undefined;
    let started = false;
    let delayMs = initialMs;
    try {
      while (!this.stopped) {
        try {
          if (!started) {
            cursor = await this.options.findStart(this.options.fromPosition);
            started = true;
            if (this.stopped) return;
          }
          for await (const resolved of this.open(cursor)) {
            const position = positionOf(resolved);
            if (cursor !== undefined && position <= cursor) continue;
            cursor = position;
            delayMs = initialMs;
            // Positions below the requested one can only be live events of a checkpoint beyond the head.
            if (position < minPosition || isSystemEvent(resolved)) continue;
            const event = toRecordedEvent(resolved);
            this.options.onDelivered?.(position);
            yield event;
            if (this.stopped) return;
          }
          if (!this.stopped) throw new StoreUnavailableError('the server ended the subscription');
        } catch (error) {
          if (this.stopped) return;
          if (!isRetryableDrop(error)) throw toPortError(error);
          this.options.onDropped?.(error, delayMs);
          await this.releaseServer();
          await this.sleep(delayMs);
          delayMs = Math.min(delayMs * 2, maxMs);
        }
      }
    } finally {
      await this.stop();
    }
  }

  private open(after: bigint | undefined): AllStreamSubscription {
    this.server = this.client.subscribeToAll({
      fromPosition: after === undefined ? START : toEsdbPosition(after),
      filter: excludeSystemEvents(),
    });
    return this.server;
  }

  private async releaseServer(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    // The call may still report an error after we let go; it must not become an unhandled 'error' event.
    server.on('error', () => undefined);
    await server.unsubscribe().catch(() => undefined);
    server.destroy();
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      if (this.stopped) return resolve();
      const done = () => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake = done;
    });
  }
}
