import { BadRequestException, Controller, Get, Param, Query, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { Actor, RecommendationView } from '@app/recommendations';
import { Roles } from '../auth/auth.guard';
import { CurrentActor } from '../auth/current-actor.decorator';
import { GetHistoryQuery } from './get-history/get-history.query';
import { GetRecommendationQuery } from './get-recommendation/get-recommendation.query';
import { knownIdForm } from '@app/application';

/** Reads of one recommendation, always current: folded from its own stream. */
@ApiTags('recommendations')
@ApiBearerAuth()
@Controller('recommendations')
export class RecommendationQueriesController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get(':id')
  @ApiQuery({ name: 'asOf', required: false, description: 'ISO 8601 time: the item as it was then' })
  async get(
    @Param('id') id: string,
    @Query('asOf') asOf: string | undefined,
    @CurrentActor() actor: Actor,
    @Res({ passthrough: true }) res: Response,
  ) {
    const view = await this.queryBus.execute<GetRecommendationQuery, RecommendationView>(
      new GetRecommendationQuery(knownIdForm(id), actor, parseTime(asOf)),
    );
    res.setHeader('ETag', `"${view.revision}"`);
    return view;
  }

  @Get(':id/history')
  @Roles('auditor', 'committee', 'secretariat', 'department')
  async history(@Param('id') id: string, @CurrentActor() actor: Actor, @Res({ passthrough: true }) res: Response) {
    const history = await this.queryBus.execute<GetHistoryQuery, { revision: number }>(
      new GetHistoryQuery(knownIdForm(id), actor),
    );
    res.setHeader('ETag', `"${history.revision}"`);
    return history;
  }
}

export function parseTime(value: string | undefined): Date | undefined {
  if (value === undefined || value === '') return undefined;
  const time = new Date(value);
  if (Number.isNaN(time.getTime()))
    throw new BadRequestException({ code: 'VALIDATION.FAILED', message: `"${value}" is not an ISO 8601 time` });
  return time;
}
