import { CommandHandler } from '@nestjs/cqrs';
import { RecommendationCommandHandler } from '../recommendation-command.handler';
import { AssignRecommendationCommand } from './assign-recommendation.command';

@CommandHandler(AssignRecommendationCommand)
export class AssignRecommendationHandler extends RecommendationCommandHandler<AssignRecommendationCommand> {}
