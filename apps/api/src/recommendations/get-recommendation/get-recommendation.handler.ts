import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { CLOCK, type Clock } from '@app/common';
import { toView, type RecommendationView } from '@app/recommendations';
import { RecommendationStream } from '@app/application';
import { GetRecommendationQuery } from './get-recommendation.query';
import { visibleTo } from './read-scope';

@QueryHandler(GetRecommendationQuery)
export class GetRecommendationHandler implements IQueryHandler<GetRecommendationQuery, RecommendationView> {
  constructor(
    private readonly streams: RecommendationStream,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ id, actor, asOf }: GetRecommendationQuery): Promise<RecommendationView> {
    const loaded = await this.streams.load(id, asOf);
    const state = visibleTo(loaded.state, id, actor);
    return toView(state, Number(loaded.revision), asOf ?? this.clock.now());
  }
}
