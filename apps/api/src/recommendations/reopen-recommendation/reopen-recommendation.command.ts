import type { CommandOf } from '@app/recommendations';
import { RecommendationCommandMessage } from '../recommendation-command';

export class ReopenRecommendationCommand extends RecommendationCommandMessage<CommandOf<'ReopenRecommendation'>> {}
