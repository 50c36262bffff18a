import { Body, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import { CommandExchange, type Exchange } from '../../auth/command-exchange.decorator';
import { CommandDispatcher, CommandRoute } from '../command-dispatcher';
import { RequestExplanationRequestDto } from './request-explanation.request.dto';

@CommandRoute('RequestExplanation')
export class RequestExplanationController {
  constructor(private readonly commands: CommandDispatcher) {}

  @Post(':id/explanation-request')
  @HttpCode(200)
  @ApiOperation({ summary: 'Require a written explanation by a date (extension; the committee, only while overdue)' })
  request(@Param('id') id: string, @Body() dto: RequestExplanationRequestDto, @CommandExchange() exchange: Exchange) {
    return this.commands.dispatch(exchange, {
      type: 'RequestExplanation',
      recommendationId: id,
      reason: dto.reason,
      due: { dueAt: dto.dueAt, dueInWorkingDays: dto.dueInWorkingDays },
    });
  }
}
