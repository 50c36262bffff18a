import { CommandHandler } from '@nestjs/cqrs';
import { RecommendationCommandHandler } from '../recommendation-command.handler';
import { AcceptRecommendationCommand } from './accept-recommendation.command';

@CommandHandler(AcceptRecommendationCommand)
export class AcceptRecommendationHandler extends RecommendationCommandHandler<AcceptRecommendationCommand> {}
