import { CommandHandler } from '@nestjs/cqrs';
import { RecommendationCommandHandler } from '../recommendation-command.handler';
import { RaiseRecommendationCommand } from './raise-recommendation.command';

@CommandHandler(RaiseRecommendationCommand)
export class RaiseRecommendationHandler extends RecommendationCommandHandler<RaiseRecommendationCommand> {}
