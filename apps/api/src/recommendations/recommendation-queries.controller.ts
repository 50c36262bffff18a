import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import type { Response } from 'express';
import type { Actor, RecommendationView } from '@app/recommendations';
import { Roles } from '../auth/auth.guard';
import { CurrentActor } from '../auth/current-actor.decorator';
import { GetHistoryQuery } from './get-history/get-history.query';
import { GetRecommendationQuery } from './get-recommendation/get-recommendation.query';
import { knownIdForm } from '@app/application';
import { parseInstant } from '@app/common';
import { IsInstant } from '../dto-time';
import { MinPositionDto } from '../read-side/min-position.dto';

export class ItemReadRequestDto extends MinPositionDto {
  @ApiPropertyOptional({ description: 'ISO 8601 time with offset: the item as it was then' })
  @IsOptional()
  @IsInstant()
  asOf?: string;
}

/** Reads of one recommendation, always current: folded from its own stream. */
@ApiTags('recommendations')
@ApiBearerAuth()
@Controller('recommendations')
export class RecommendationQueriesController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get(':id')
  async get(
    @Param('id') id: string,
    @Query() query: ItemReadRequestDto,
    @CurrentActor() actor: Actor,
    @Res({ passthrough: true }) res: Response,
  ) {
    const view = await this.queryBus.execute<GetRecommendationQuery, RecommendationView>(
      new GetRecommendationQuery(knownIdForm(id), actor, query.asOf ? parseInstant(query.asOf)! : undefined),
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
