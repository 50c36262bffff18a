import { Body, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import { CommandExchange, type Exchange } from '../../auth/command-exchange.decorator';
import { CommandDispatcher, CommandRoute } from '../command-dispatcher';
import { ReopenRecommendationRequestDto } from './reopen-recommendation.request.dto';

@CommandRoute('ReopenRecommendation')
export class ReopenRecommendationController {
  constructor(private readonly commands: CommandDispatcher) {}

  @Post(':id/reopen')
  @HttpCode(200)
  @ApiOperation({ summary: 'Reopen a resolved recommendation with a new due date (committee, secretariat)' })
  reopen(@Param('id') id: string, @Body() dto: ReopenRecommendationRequestDto, @CommandExchange() exchange: Exchange) {
    return this.commands.dispatch(exchange, {
      type: 'ReopenRecommendation',
      recommendationId: id,
      reason: dto.reason,
      due: { dueAt: dto.dueAt, dueInWorkingDays: dto.dueInWorkingDays },
      department: dto.department ?? null,
      coordinating: dto.coordinating,
    });
  }
}
