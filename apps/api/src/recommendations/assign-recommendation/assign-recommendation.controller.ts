import { Body, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import { CommandExchange, type Exchange } from '../../auth/command-exchange.decorator';
import { CommandDispatcher, CommandRoute } from '../command-dispatcher';
import { AssignRecommendationRequestDto } from './assign-recommendation.request.dto';

@CommandRoute('AssignRecommendation')
export class AssignRecommendationController {
  constructor(private readonly commands: CommandDispatcher) {}

  @Post(':id/assign')
  @HttpCode(200)
  @ApiOperation({ summary: 'Assign an accepted recommendation to a department with a due date (secretariat)' })
  assign(@Param('id') id: string, @Body() dto: AssignRecommendationRequestDto, @CommandExchange() exchange: Exchange) {
    return this.commands.dispatch(exchange, {
      type: 'AssignRecommendation',
      recommendationId: id,
      department: dto.department,
      due: { dueAt: dto.dueAt, dueInWorkingDays: dto.dueInWorkingDays },
      instructions: dto.instructions ?? null,
      coordinating: dto.coordinating,
    });
  }
}
