import { CommandHandler } from '@nestjs/cqrs';
import { RecommendationCommandHandler } from '../recommendation-command.handler';
import { ResolveRecommendationCommand } from './resolve-recommendation.command';

@CommandHandler(ResolveRecommendationCommand)
export class ResolveRecommendationHandler extends RecommendationCommandHandler<ResolveRecommendationCommand> {}
