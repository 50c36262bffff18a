import type { CommandOf } from '@app/recommendations';
import { RecommendationCommandMessage } from '../recommendation-command';

export class DeclineRecommendationCommand extends RecommendationCommandMessage<CommandOf<'DeclineRecommendation'>> {}
