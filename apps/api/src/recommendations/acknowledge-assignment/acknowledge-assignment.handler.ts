import { CommandHandler } from '@nestjs/cqrs';
import { RecommendationCommandHandler } from '../recommendation-command.handler';
import { AcknowledgeAssignmentCommand } from './acknowledge-assignment.command';

@CommandHandler(AcknowledgeAssignmentCommand)
export class AcknowledgeAssignmentHandler extends RecommendationCommandHandler<AcknowledgeAssignmentCommand> {}
