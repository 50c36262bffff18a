import type { CommandOf } from '@app/recommendations';
import { RecommendationCommandMessage } from '../recommendation-command';

export class AcceptRecommendationCommand extends RecommendationCommandMessage<CommandOf<'AcceptRecommendation'>> {}
