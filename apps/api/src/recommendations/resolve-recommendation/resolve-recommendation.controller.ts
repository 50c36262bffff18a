import { Body, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import { CommandExchange, type Exchange } from '../../auth/command-exchange.decorator';
import { CommandDispatcher, CommandRoute } from '../command-dispatcher';
import { ResolveRecommendationRequestDto } from './resolve-recommendation.request.dto';

@CommandRoute('ResolveRecommendation')
export class ResolveRecommendationController {
  constructor(private readonly commands: CommandDispatcher) {}

  @Post(':id/resolve')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Resolve with a written response (the assigned department; the secretariat when answered on the spot)',
  })
  resolve(@Param('id') id: string, @Body() dto: ResolveRecommendationRequestDto, @CommandExchange() exchange: Exchange) {
    return this.commands.dispatch(exchange, {
      type: 'ResolveRecommendation',
      recommendationId: id,
      resolution: dto.resolution,
      attachments: dto.attachments,
      document: dto.document ? { number: dto.document.number, date: dto.document.date } : null,
    });
  }
}
