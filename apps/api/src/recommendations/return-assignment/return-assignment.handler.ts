import { CommandHandler } from '@nestjs/cqrs';
import { RecommendationCommandHandler } from '../recommendation-command.handler';
import { ReturnAssignmentCommand } from './return-assignment.command';

@CommandHandler(ReturnAssignmentCommand)
export class ReturnAssignmentHandler extends RecommendationCommandHandler<ReturnAssignmentCommand> {}
