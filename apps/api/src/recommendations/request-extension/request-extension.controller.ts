import { Body, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import { CommandExchange, type Exchange } from '../../auth/command-exchange.decorator';
import { CommandDispatcher, CommandRoute } from '../command-dispatcher';
import { RequestExtensionRequestDto } from './request-extension.request.dto';

@CommandRoute('RequestExtension')
export class RequestExtensionController {
  constructor(private readonly commands: CommandDispatcher) {}

  @Post(':id/extension-request')
  @HttpCode(200)
  @ApiOperation({ summary: 'Ask for more time (the assigned department)' })
  requestExtension(@Param('id') id: string, @Body() dto: RequestExtensionRequestDto, @CommandExchange() exchange: Exchange) {
    return this.commands.dispatch(exchange, {
      type: 'RequestExtension',
      recommendationId: id,
      requestedDueAt: dto.requestedDueAt,
      reason: dto.reason,
    });
  }
}
