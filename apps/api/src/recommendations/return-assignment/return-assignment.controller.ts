import { Body, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import { CommandExchange, type Exchange } from '../../auth/command-exchange.decorator';
import { CommandDispatcher, CommandRoute } from '../command-dispatcher';
import { ReturnAssignmentRequestDto } from './return-assignment.request.dto';

@CommandRoute('ReturnAssignment')
export class ReturnAssignmentController {
  constructor(private readonly commands: CommandDispatcher) {}

  @Post(':id/return')
  @HttpCode(200)
  @ApiOperation({ summary: "Return as outside the department's competence (the assigned department)" })
  returnAssignment(@Param('id') id: string, @Body() dto: ReturnAssignmentRequestDto, @CommandExchange() exchange: Exchange) {
    return this.commands.dispatch(exchange, { type: 'ReturnAssignment', recommendationId: id, reason: dto.reason });
  }
}
