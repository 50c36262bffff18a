import type { CommandOf } from '@app/recommendations';
import { RecommendationCommandMessage } from '../recommendation-command';

export class ResolveRecommendationCommand extends RecommendationCommandMessage<CommandOf<'ResolveRecommendation'>> {}
