import type { CommandOf } from '@app/recommendations';
import { RecommendationCommandMessage } from '../recommendation-command';

export class ReportProgressCommand extends RecommendationCommandMessage<CommandOf<'ReportProgress'>> {}
