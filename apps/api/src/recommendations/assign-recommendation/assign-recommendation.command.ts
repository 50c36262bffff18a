import type { CommandOf } from '@app/recommendations';
import { RecommendationCommandMessage } from '../recommendation-command';

export class AssignRecommendationCommand extends RecommendationCommandMessage<CommandOf<'AssignRecommendation'>> {}
