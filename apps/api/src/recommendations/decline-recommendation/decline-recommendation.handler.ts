import { CommandHandler } from '@nestjs/cqrs';
import { RecommendationCommandHandler } from '../recommendation-command.handler';
import { DeclineRecommendationCommand } from './decline-recommendation.command';

@CommandHandler(DeclineRecommendationCommand)
export class DeclineRecommendationHandler extends RecommendationCommandHandler<DeclineRecommendationCommand> {}
