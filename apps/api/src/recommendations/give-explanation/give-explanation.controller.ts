import { Body, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import { CommandExchange, type Exchange } from '../../auth/command-exchange.decorator';
import { CommandDispatcher, CommandRoute } from '../command-dispatcher';
import { GiveExplanationRequestDto } from './give-explanation.request.dto';

@CommandRoute('GiveExplanation')
export class GiveExplanationController {
  constructor(private readonly commands: CommandDispatcher) {}

  @Post(':id/explanation')
  @HttpCode(200)
  @ApiOperation({ summary: 'Answer an explanation request (extension; the lead department)' })
  explain(@Param('id') id: string, @Body() dto: GiveExplanationRequestDto, @CommandExchange() exchange: Exchange) {
    return this.commands.dispatch(exchange, {
      type: 'GiveExplanation',
      recommendationId: id,
      text: dto.text,
      attachments: dto.attachments,
    });
  }
}
