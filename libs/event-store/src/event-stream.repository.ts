import { createHash, randomUUID } from 'node:crypto';
import { eventHash, genesisHash } from './chain/hash-chain';
import { StreamNotFoundError } from './event-store.errors';
import type { AppendResult, EventStore, JsonObject, RecordedEvent } from './event-store.port';

/** Who and what caused the events of one command; written into each event's metadata. */
export interface EventContext {
  actor: JsonObject;
  occurredAt: string;
  correlationId: string;
  causationId: string;
  idempotencyKey?: string;
}

export interface LoadedStream {
  events: RecordedEvent[];
  /** Revision of the last event, or null for a new stream. */
  revision: bigint | null;
  /** Hash of the last event, or the stream's genesis hash. */
  lastHash: string;
}

/**
 * Reads and writes one stream with metadata and hash chain. Knows nothing of any domain: the
 * caller folds the events and decides what to append.
 */
export class EventStreamRepository {
  /**
   * @param schemaVersion written in every new event's metadata; the owner of the stream's schema
   *   (the domain, for recommendations) names it, and its readers upcast older events.
   */
  constructor(
    private readonly store: EventStore,
    private readonly schemaVersion: number,
  ) {}

  async load(stream: string): Promise<LoadedStream> {
    try {
      const events = await this.store.readStream(stream);
      const last = events[events.length - 1];
      return { events, revision: last.revision, lastHash: String(last.metadata.hash) };
    } catch (error) {
      if (error instanceof StreamNotFoundError) return { events: [], revision: null, lastHash: genesisHash(stream) };
      throw error;
    }
  }

  /**
   * Appends `events` after `loaded`, chaining their hashes. `idSeed`, when given, makes the event
   * ids deterministic, so that a retried request appends nothing twice.
   */
  append(
    stream: string,
    loaded: Pick<LoadedStream, 'revision' | 'lastHash'>,
    events: ReadonlyArray<{ type: string; data: object }>,
    context: EventContext,
    idSeed?: string,
  ): Promise<AppendResult> {
    let prevHash = loaded.lastHash;
    const prepared = events.map((event, index) => {
      const metadata: JsonObject = {
        actor: context.actor,
        occurredAt: context.occurredAt,
        correlationId: context.correlationId,
        causationId: context.causationId,
        ...(context.idempotencyKey ? { idempotencyKey: context.idempotencyKey } : {}),
        schemaVersion: this.schemaVersion,
        prevHash,
      };
      const hash = eventHash(prevHash, event.type, event.data, metadata);
      prevHash = hash;
      return {
        id: idSeed ? deterministicUuid(`${idSeed}:${index}`) : randomUUID(),
        type: event.type,
        data: event.data as JsonObject,
        metadata: { ...metadata, hash },
      };
    });
    return this.store.append(stream, prepared, loaded.revision === null ? 'no_stream' : loaded.revision);
  }
}

/** A UUID (version 8, RFC 9562 layout) derived from a seed: the same seed always gives the same id. */
export function deterministicUuid(seed: string): string {
  const bytes = createHash('sha256').update(seed).digest().subarray(0, 16);
  bytes[6] = (bytes[6] & 0x0f) | 0x80;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
