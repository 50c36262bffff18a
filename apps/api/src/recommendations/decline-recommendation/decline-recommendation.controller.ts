import { Body, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import { CommandExchange, type Exchange } from '../../auth/command-exchange.decorator';
import { CommandDispatcher, CommandRoute } from '../command-dispatcher';
import { DeclineRecommendationRequestDto } from './decline-recommendation.request.dto';

@CommandRoute('DeclineRecommendation')
export class DeclineRecommendationController {
  constructor(private readonly commands: CommandDispatcher) {}

  @Post(':id/decline')
  @HttpCode(200)
  @ApiOperation({ summary: 'Decline a raised recommendation (secretariat)' })
  decline(@Param('id') id: string, @Body() dto: DeclineRecommendationRequestDto, @CommandExchange() exchange: Exchange) {
    return this.commands.dispatch(exchange, { type: 'DeclineRecommendation', recommendationId: id, reason: dto.reason });
  }
}
