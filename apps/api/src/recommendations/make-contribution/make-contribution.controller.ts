import { Body, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import { CommandExchange, type Exchange } from '../../auth/command-exchange.decorator';
import { CommandDispatcher, CommandRoute } from '../command-dispatcher';
import { MakeContributionRequestDto } from './make-contribution.request.dto';

@CommandRoute('MakeContribution')
export class MakeContributionController {
  constructor(private readonly commands: CommandDispatcher) {}

  @Post(':id/contribution')
  @HttpCode(200)
  @ApiOperation({ summary: "Give a coordinating department's part (extension; a coordinating department, while assigned)" })
  contribute(@Param('id') id: string, @Body() dto: MakeContributionRequestDto, @CommandExchange() exchange: Exchange) {
    return this.commands.dispatch(exchange, {
      type: 'MakeContribution',
      recommendationId: id,
      note: dto.note,
      attachments: dto.attachments,
    });
  }
}
