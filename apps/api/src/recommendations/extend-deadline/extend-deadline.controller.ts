import { Body, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import { CommandExchange, type Exchange } from '../../auth/command-exchange.decorator';
import { CommandDispatcher, CommandRoute } from '../command-dispatcher';
import { ExtendDeadlineRequestDto } from './extend-deadline.request.dto';

@CommandRoute('ExtendDeadline')
export class ExtendDeadlineController {
  constructor(private readonly commands: CommandDispatcher) {}

  @Post(':id/extend')
  @HttpCode(200)
  @ApiOperation({ summary: 'Move the deadline later (secretariat, committee)' })
  extendDeadline(@Param('id') id: string, @Body() dto: ExtendDeadlineRequestDto, @CommandExchange() exchange: Exchange) {
    return this.commands.dispatch(exchange, {
      type: 'ExtendDeadline',
      recommendationId: id,
      due: { dueAt: dto.dueAt, dueInWorkingDays: dto.dueInWorkingDays },
      reason: dto.reason,
    });
  }
}
