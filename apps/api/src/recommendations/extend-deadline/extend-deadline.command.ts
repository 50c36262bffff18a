import type { CommandOf } from '@app/recommendations';
import { RecommendationCommandMessage } from '../recommendation-command';

export class ExtendDeadlineCommand extends RecommendationCommandMessage<CommandOf<'ExtendDeadline'>> {}
