import { DomainError, ErrorCodes, itemMustBeInCallerScope, type Actor, type RecommendationState } from '@app/recommendations';

/** The raised item if it exists and the caller may see it; otherwise 404, as API.md asks. */
export function visibleTo(
  state: RecommendationState,
  id: string,
  actor: Actor,
): Exclude<RecommendationState, { status: 'none' }> {
  if (state.status === 'none') throw new DomainError(ErrorCodes.notFound, 'not_found', `recommendation ${id} not found`);
  itemMustBeInCallerScope(state, actor);
  return state;
}
