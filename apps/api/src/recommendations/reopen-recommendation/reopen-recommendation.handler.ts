import { CommandHandler } from '@nestjs/cqrs';
import { RecommendationCommandHandler } from '../recommendation-command.handler';
import { ReopenRecommendationCommand } from './reopen-recommendation.command';

@CommandHandler(ReopenRecommendationCommand)
export class ReopenRecommendationHandler extends RecommendationCommandHandler<ReopenRecommendationCommand> {}
