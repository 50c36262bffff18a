import type { Actor } from '@app/recommendations';

/** One recommendation as it is now, or as it was at `asOf`; folded from its own stream. */
export class GetRecommendationQuery {
  constructor(
    readonly id: string,
    readonly actor: Actor,
    readonly asOf?: Date,
  ) {}
}
