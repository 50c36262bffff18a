import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { RecommendationStream } from '@app/application';
import { visibleTo } from '../get-recommendation/read-scope';
import { GetHistoryQuery, type HistoryEntry } from './get-history.query';

@QueryHandler(GetHistoryQuery)
export class GetHistoryHandler implements IQueryHandler<
  GetHistoryQuery,
  { id: string; revision: number; events: HistoryEntry[] }
> {
  constructor(private readonly streams: RecommendationStream) {}

  async execute({ id, actor }: GetHistoryQuery) {
    const loaded = await this.streams.load(id);
    visibleTo(loaded.state, id, actor);
    const events: HistoryEntry[] = loaded.events.map((e) => ({
      revision: Number(e.revision),
      position: Number(e.position),
      type: e.type,
      data: e.data,
      actor: e.metadata.actor ?? null,
      occurredAt: String(e.metadata.occurredAt),
      correlationId: (e.metadata.correlationId as string | undefined) ?? null,
      causationId: (e.metadata.causationId as string | undefined) ?? null,
    }));
    return { id, revision: Number(loaded.revision), events };
  }
}
