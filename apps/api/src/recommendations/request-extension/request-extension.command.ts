import type { CommandOf } from '@app/recommendations';
import { RecommendationCommandMessage } from '../recommendation-command';

export class RequestExtensionCommand extends RecommendationCommandMessage<CommandOf<'RequestExtension'>> {}
