import { Body, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import { CommandExchange, type Exchange } from '../../auth/command-exchange.decorator';
import { CommandDispatcher, CommandRoute } from '../command-dispatcher';
import { AcknowledgeAssignmentRequestDto } from './acknowledge-assignment.request.dto';

@CommandRoute('AcknowledgeAssignment')
export class AcknowledgeAssignmentController {
  constructor(private readonly commands: CommandDispatcher) {}

  @Post(':id/acknowledge')
  @HttpCode(200)
  @ApiOperation({ summary: 'Acknowledge an assignment (the assigned department)' })
  acknowledge(@Param('id') id: string, @Body() _dto: AcknowledgeAssignmentRequestDto, @CommandExchange() exchange: Exchange) {
    return this.commands.dispatch(exchange, { type: 'AcknowledgeAssignment', recommendationId: id });
  }
}
