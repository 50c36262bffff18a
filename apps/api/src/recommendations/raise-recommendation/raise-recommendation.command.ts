import type { CommandOf } from '@app/recommendations';
import { RecommendationCommandMessage } from '../recommendation-command';

export class RaiseRecommendationCommand extends RecommendationCommandMessage<CommandOf<'RaiseRecommendation'>> {}
