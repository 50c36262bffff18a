import { Body, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import { CommandExchange, type Exchange } from '../../auth/command-exchange.decorator';
import { CommandDispatcher, CommandRoute } from '../command-dispatcher';
import { ReportProgressRequestDto } from './report-progress.request.dto';

@CommandRoute('ReportProgress')
export class ReportProgressController {
  constructor(private readonly commands: CommandDispatcher) {}

  @Post(':id/progress')
  @HttpCode(200)
  @ApiOperation({ summary: 'Report progress (the assigned department)' })
  reportProgress(@Param('id') id: string, @Body() dto: ReportProgressRequestDto, @CommandExchange() exchange: Exchange) {
    return this.commands.dispatch(exchange, {
      type: 'ReportProgress',
      recommendationId: id,
      note: dto.note,
      attachments: dto.attachments,
    });
  }
}
