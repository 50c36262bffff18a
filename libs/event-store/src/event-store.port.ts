/**
 * The event store port: the only way the rest of the service reads or writes events.
 *
 * Two adapters implement it: the embedded SQLite store (default, `EVENT_STORE=sqlite`) and
 * EventStoreDB / KurrentDB (`EVENT_STORE=esdb`). Both must pass the shared contract suite in
 * `contract/event-store.contract.ts`, so code written against this port behaves the same on either.
 */

/** DI token for the {@link EventStore} port. */
export const EVENT_STORE = Symbol('EVENT_STORE');

/**
 * What the caller expects of the stream before the append.
 * - `'any'`: no check.
 * - `'no_stream'`: the stream must not exist yet.
 * - `'stream_exists'`: the stream must hold at least one event.
 * - a `bigint`: the revision of the stream's last event (revisions count from 0).
 */
export type ExpectedRevision = 'any' | 'no_stream' | 'stream_exists' | bigint;

/** JSON-serialisable object. */
export type JsonObject = { [key: string]: unknown };

/** An event to append. `id` is a UUID chosen by the caller; it makes retries idempotent. */
export interface NewEvent {
  id: string;
  type: string;
  data: JsonObject;
  metadata: JsonObject;
}

/** An event as stored. */
export interface RecordedEvent {
  id: string;
  stream: string;
  type: string;
  data: JsonObject;
  metadata: JsonObject;
  /** Place of the event in its stream, from 0. */
  revision: bigint;
  /** Place of the event in the global log: strictly increasing in commit order, not necessarily contiguous. */
  position: bigint;
  /** When the store recorded the event. */
  recordedAt: Date;
}

/** Result of an append: the stream's revision after it and the global position of the last event written. */
export interface AppendResult {
  nextRevision: bigint;
  position: bigint;
}

export type ReadDirection = 'forwards' | 'backwards';

export interface ReadStreamOptions {
  /** First revision to read (inclusive). Defaults to the start (forwards) or the end (backwards). */
  fromRevision?: bigint;
  direction?: ReadDirection;
  maxCount?: number;
}

export interface ReadAllOptions {
  /** First global position to read (inclusive). Defaults to the start of the log. */
  fromPosition?: bigint;
  /**
   * Read only events after this position (exclusive): a checkpoint. Takes precedence over
   * `fromPosition`; prefer it when resuming, since it maps directly onto every store.
   */
  afterPosition?: bigint;
  maxCount?: number;
}

export interface SubscribeOptions {
  /** First global position to deliver (inclusive). */
  fromPosition?: bigint;
  /** Deliver only events after this position (exclusive): resume from a stored checkpoint. Takes precedence. */
  afterPosition?: bigint;
}

/**
 * A catch-up subscription to the global log: it delivers every committed event with
 * `position >= fromPosition` in global order, exactly once per run, then live events as they
 * are committed, until {@link EventSubscription.stop} is called. Iterate it with `for await`.
 */
export interface EventSubscription extends AsyncIterable<RecordedEvent> {
  /** Stops delivery; a pending iteration ends. Safe to call more than once. */
  stop(): Promise<void>;
}

export interface EventStore {
  /**
   * Appends `events` atomically to `stream` if the stream matches `expected`.
   * Appending an event whose id the stream already holds, with the same events, is a no-op that
   * returns the original result.
   * @throws ConcurrencyError when the stream does not match `expected`.
   * @throws StoreUnavailableError when the store cannot be reached (transient).
   */
  append(stream: string, events: readonly NewEvent[], expected: ExpectedRevision): Promise<AppendResult>;

  /**
   * Reads one stream.
   * @throws StreamNotFoundError when the stream holds no event.
   */
  readStream(stream: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;

  /** Reads the global log forwards from `fromPosition` (inclusive), at most `maxCount` events. */
  readAll(options?: ReadAllOptions): Promise<RecordedEvent[]>;

  /** Starts a catch-up subscription to the global log. */
  subscribe(options?: SubscribeOptions): EventSubscription;

  /** Global position of the newest committed event, or `0n` when the log is empty. */
  headPosition(): Promise<bigint>;

  /** Releases connections and stops every subscription. */
  close(): Promise<void>;
}
