import { EventStreamRepository, type EventStore, type LoadedStream, type RecordedEvent } from '@app/event-store';
import { fold, recommendationStream, upcast, type RecommendationEvent, type RecommendationState } from '@app/recommendations';

export interface LoadedRecommendation extends LoadedStream {
  stream: string;
  state: RecommendationState;
}

/** Domain view of stored events. */
export function toDomainEvents(events: readonly RecordedEvent[]): RecommendationEvent[] {
  return events.map((e) => upcast(e.type, e.data, e.metadata.schemaVersion));
}

/** Loads a recommendation's stream and folds it; `asOf` keeps only what had happened by then. */
export class RecommendationStream {
  readonly repository: EventStreamRepository;

  constructor(store: EventStore) {
    this.repository = new EventStreamRepository(store);
  }

  async load(id: string, asOf?: Date): Promise<LoadedRecommendation> {
    const stream = recommendationStream(id);
    const loaded = await this.repository.load(stream);
    const events = asOf ? loaded.events.filter((e) => new Date(String(e.metadata.occurredAt)) <= asOf) : loaded.events;
    const last = events[events.length - 1];
    return {
      ...loaded,
      events,
      revision: last ? last.revision : null,
      stream,
      state: fold(toDomainEvents(events)),
    };
  }
}
