import { Body, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import { CommandExchange, type Exchange } from '../../auth/command-exchange.decorator';
import { CommandDispatcher, CommandRoute } from '../command-dispatcher';
import { AcceptRecommendationRequestDto } from './accept-recommendation.request.dto';

@CommandRoute('AcceptRecommendation')
export class AcceptRecommendationController {
  constructor(private readonly commands: CommandDispatcher) {}

  @Post(':id/accept')
  @HttpCode(200)
  @ApiOperation({ summary: 'Accept a raised recommendation (secretariat)' })
  accept(@Param('id') id: string, @Body() dto: AcceptRecommendationRequestDto, @CommandExchange() exchange: Exchange) {
    return this.commands.dispatch(exchange, { type: 'AcceptRecommendation', recommendationId: id, note: dto.note ?? null });
  }
}
