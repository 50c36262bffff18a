import {
  EventStreamRepository,
  genesisHash,
  StreamNotFoundError,
  type EventStore,
  type LoadedStream,
  type RecordedEvent,
} from '@app/event-store';
import {
  CURRENT_SCHEMA_VERSION,
  fold,
  initialState,
  recommendationStream,
  upcastStored,
  type RecommendationEvent,
  type RecommendationState,
} from '@app/recommendations';

export interface LoadedRecommendation extends LoadedStream {
  stream: string;
  state: RecommendationState;
}

/** What deciding a command needs: the folded state, where the stream ends, and its last hash. */
export interface CurrentRecommendation {
  stream: string;
  state: RecommendationState;
  revision: bigint | null;
  lastHash: string;
}

/** Domain view of stored events. */
export function toDomainEvents(events: readonly RecordedEvent[]): RecommendationEvent[] {
  return events.map((e) => upcastStored(e));
}

const MAX_CACHED = 5000;

/**
 * Loads a recommendation's stream and folds it. `current` keeps the folded state of recently
 * used items and reads only the events appended since: stored events never change, so a cached
 * prefix stays true, and whatever another process appended is still read from the store.
 */
export class RecommendationStream {
  readonly repository: EventStreamRepository;
  private readonly folded = new Map<string, CurrentRecommendation>();

  constructor(private readonly store: EventStore) {
    this.repository = new EventStreamRepository(store, CURRENT_SCHEMA_VERSION);
  }

  /** Every event, folded; `asOf` keeps only what had happened by then. */
  async load(id: string, asOf?: Date): Promise<LoadedRecommendation> {
    const stream = recommendationStream(id);
    const loaded = await this.repository.load(stream);
    const events = asOf ? loaded.events.filter((e) => new Date(String(e.metadata.occurredAt)) <= asOf) : loaded.events;
    const last = events[events.length - 1];
    return { ...loaded, events, revision: last ? last.revision : null, stream, state: fold(toDomainEvents(events)) };
  }

  /** The item as it is now, reading only what was appended since it was last folded here. */
  async current(id: string): Promise<CurrentRecommendation> {
    const stream = recommendationStream(id);
    const base = this.folded.get(id) ?? { stream, state: initialState, revision: null, lastHash: genesisHash(stream) };
    let newer: RecordedEvent[] = [];
    try {
      newer = await this.store.readStream(stream, { fromRevision: base.revision === null ? 0n : base.revision + 1n });
    } catch (error) {
      if (!(error instanceof StreamNotFoundError)) throw error;
    }
    const last = newer[newer.length - 1];
    const current = last
      ? { stream, state: fold(toDomainEvents(newer), base.state), revision: last.revision, lastHash: String(last.metadata.hash) }
      : base;
    this.folded.delete(id);
    if (current.revision !== null) this.folded.set(id, current);
    if (this.folded.size > MAX_CACHED) this.folded.delete(this.folded.keys().next().value as string);
    return current;
  }
}
