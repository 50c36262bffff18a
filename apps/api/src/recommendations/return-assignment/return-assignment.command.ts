import type { CommandOf } from '@app/recommendations';
import { RecommendationCommandMessage } from '../recommendation-command';

export class ReturnAssignmentCommand extends RecommendationCommandMessage<CommandOf<'ReturnAssignment'>> {}
