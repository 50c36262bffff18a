import type { CommandOf } from '@app/recommendations';
import { RecommendationCommandMessage } from '../recommendation-command';

export class AcknowledgeAssignmentCommand extends RecommendationCommandMessage<CommandOf<'AcknowledgeAssignment'>> {}
