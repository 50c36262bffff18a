import {
  AccessDeniedError,
  ANY,
  CancelledError,
  convertToCommandError,
  DeadlineExceededError,
  InvalidArgumentError,
  isCommandError,
  jsonEvent,
  NO_STREAM,
  NotLeaderError,
  STREAM_EXISTS,
  StreamDeletedError,
  StreamNotFoundError as EsdbStreamNotFoundError,
  TimeoutError,
  UnavailableError,
  UnsupportedError,
  WrongExpectedVersionError,
} from '@eventstore/db-client';
import type { AllStreamResolvedEvent, AppendExpectedRevision, EventData, Position, ResolvedEvent } from '@eventstore/db-client';
import { ConcurrencyError, StoreUnavailableError, StreamNotFoundError } from '../../event-store.errors';
import type { ExpectedRevision, JsonObject, NewEvent, RecordedEvent } from '../../event-store.port';

/** What the client hands back from reads and subscriptions, to streams or to `$all`. */
export type EsdbResolvedEvent = ResolvedEvent | AllStreamResolvedEvent;

/** The server sends this when it has no position for a record (reads from streams before 22.6). */
const NO_POSITION = 2n ** 64n - 1n;

export function toEsdbExpectedRevision(expected: ExpectedRevision): AppendExpectedRevision {
  switch (expected) {
    case 'any':
      return ANY;
    case 'no_stream':
      return NO_STREAM;
    case 'stream_exists':
      return STREAM_EXISTS;
    default:
      return expected;
  }
}

export function toEsdbEvent(event: NewEvent): EventData {
  return jsonEvent({ id: event.id, type: event.type, data: event.data, metadata: event.metadata });
}

/**
 * Our port has one bigint position; the server has a commit/prepare pair. Events appended through
 * gRPC are implicit transactions whose records carry commit == prepare, so the commit position
 * alone names an event and the pair is rebuilt from it.
 */
export function toEsdbPosition(position: bigint): Position {
  return { commit: position, prepare: position };
}

/** A usable commit position, or undefined when the server did not report one. */
export function knownPosition(position: bigint | undefined): bigint | undefined {
  return position === undefined || position === NO_POSITION || position < 0n ? undefined : position;
}

/** System events ($-prefixed types, e.g. `$metadata`) and events of system streams are not ours. */
export function isSystemEvent(resolved: EsdbResolvedEvent): boolean {
  const event = resolved.event;
  return event === undefined || event.type.startsWith('$') || event.streamId.startsWith('$');
}

/** Position of the record in `$all`; every event the adapter surfaces must have one. */
export function positionOf(resolved: EsdbResolvedEvent): bigint {
  const position = knownPosition(resolved.event?.position?.commit) ?? knownPosition(resolved.commitPosition);
  if (position === undefined) {
    throw new Error(
      `event ${resolved.event?.id ?? '(none)'} came without a $all position; EventStoreDB 22.6 or later is required`,
    );
  }
  return position;
}

export function toRecordedEvent(resolved: EsdbResolvedEvent): RecordedEvent {
  const event = resolved.event;
  if (!event) throw new Error('the server sent a link without its event; links are not resolved by this adapter');
  if (!event.isJson || !isJsonObject(event.data)) {
    // Every event written through the port is a JSON object; anything else was written by another client.
    throw new Error(`event ${event.id} in stream ${event.streamId} is not a JSON object; it was not written by this service`);
  }
  const metadata = event.metadata ?? {};
  if (!isJsonObject(metadata))
    throw new Error(`event ${event.id} in stream ${event.streamId} has metadata that is not a JSON object`);
  return {
    id: event.id,
    stream: event.streamId,
    type: event.type,
    data: event.data,
    metadata,
    revision: event.revision,
    position: positionOf(resolved),
    // The client already converts the server's .NET ticks into a Date.
    recordedAt: event.created,
  };
}

function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);
}

/**
 * Appends reject with the raw gRPC error when the connection fails (reads convert theirs); the
 * client's own converter names it. Only gRPC errors carry a string `details`.
 */
function asClientError(error: unknown): unknown {
  const isGrpcError = error instanceof Error && typeof (error as { details?: unknown }).details === 'string';
  return isGrpcError ? convertToCommandError(error) : error;
}

/** The server or the connection is down or busy: nothing was acknowledged and a retry may succeed. */
export function isTransient(raw: unknown): boolean {
  const error = asClientError(raw);
  return (
    error instanceof UnavailableError ||
    error instanceof DeadlineExceededError ||
    error instanceof TimeoutError ||
    error instanceof NotLeaderError ||
    error instanceof CancelledError ||
    error instanceof StoreUnavailableError ||
    // Cluster discovery gives up with a plain Error.
    (error instanceof Error && error.message.startsWith('Failed to discover'))
  );
}

/**
 * A dropped subscription is worth re-opening when the server or the connection failed. Errors
 * that a retry cannot fix (permissions, a bad request, an event we cannot map) end the iteration.
 */
export function isRetryableDrop(raw: unknown): boolean {
  const error = asClientError(raw);
  if (isTransient(error)) return true;
  if ((error as { code?: unknown } | null)?.code === 'ERR_STREAM_PREMATURE_CLOSE') return true;
  if (error instanceof AccessDeniedError || error instanceof InvalidArgumentError || error instanceof UnsupportedError)
    return false;
  return error instanceof Error && isCommandError(error);
}

export interface ErrorContext {
  stream?: string;
  expected?: ExpectedRevision;
}

/** Turns a client error into the port's error; what the port does not name is returned as the client reported it. */
export function toPortError(raw: unknown, context: ErrorContext = {}): unknown {
  const error = asClientError(raw);
  if (error instanceof WrongExpectedVersionError) {
    // The client's expected-revision vocabulary is the port's, so its value can be passed on as is.
    const expected = context.expected ?? error.expectedVersion;
    return new ConcurrencyError(context.stream ?? error.streamName, expected, error.actualVersion);
  }
  if (error instanceof EsdbStreamNotFoundError) return new StreamNotFoundError(context.stream ?? error.streamName);
  // A tombstoned stream holds no readable event; appends to it are refused and surface unchanged.
  if (error instanceof StreamDeletedError && context.expected === undefined) {
    return new StreamNotFoundError(context.stream ?? error.streamName);
  }
  if (isTransient(error) && !(error instanceof StoreUnavailableError)) {
    const reason = error instanceof Error ? error.message || error.constructor.name : String(error);
    return new StoreUnavailableError(`EventStoreDB is unavailable: ${reason}`, { cause: error });
  }
  return error;
}
