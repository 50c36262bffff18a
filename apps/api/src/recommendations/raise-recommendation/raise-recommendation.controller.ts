import { Body, HttpCode, Post } from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import { CommandExchange, type Exchange } from '../../auth/command-exchange.decorator';
import { CommandDispatcher, CommandRoute } from '../command-dispatcher';
import { RaiseRecommendationRequestDto } from './raise-recommendation.request.dto';

@CommandRoute('RaiseRecommendation')
export class RaiseRecommendationController {
  constructor(private readonly commands: CommandDispatcher) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: 'Raise a recommendation (secretariat; a commune for itself)' })
  raise(@Body() dto: RaiseRecommendationRequestDto, @CommandExchange() exchange: Exchange) {
    return this.commands.dispatch(
      exchange,
      {
        type: 'RaiseRecommendation',
        commune: dto.commune,
        title: dto.title,
        description: dto.description,
        category: dto.category,
        workingGroup: dto.workingGroup ?? null,
        sessionDate: dto.sessionDate ?? null,
        sessionId: dto.sessionId,
        attachments: dto.attachments,
      },
      201,
    );
  }
}
