import { Controller, Get, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import type { Actor } from '@app/recommendations';
import { Roles } from '../auth/auth.guard';
import { CurrentActor } from '../auth/current-actor.decorator';
import { Expensive } from '../throttling/expensive.interceptor';
import { ListRecommendationsRequestDto } from './list-recommendations.request.dto';
import { ListRecommendationsQuery, OverdueReportQuery, SummaryReportQuery } from './read-queries';
import { OverdueReportRequestDto, SummaryReportRequestDto } from './reports.request.dto';

/** Lists, from the read models: they reflect a command within about a second (see ?minPosition). */
@ApiTags('recommendations')
@ApiBearerAuth()
@Controller('recommendations')
export class RecommendationListController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get()
  @ApiOperation({
    summary:
      'Filter, search and page through recommendations; a department sees what it leads or coordinates now or did before, a commune its own',
  })
  list(@Query() dto: ListRecommendationsRequestDto, @CurrentActor() actor: Actor) {
    const { minPosition: _, ...filters } = dto;
    return this.queryBus.execute(new ListRecommendationsQuery(actor, filters));
  }
}

@ApiTags('reports')
@ApiBearerAuth()
@Controller('reports')
@Roles('secretariat', 'committee', 'auditor', 'department')
export class ReportsController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get('overdue')
  @Expensive(withAsOf)
  @ApiOperation({ summary: 'Overdue assignments grouped by department, commune, working group or category' })
  overdue(@Query() dto: OverdueReportRequestDto, @CurrentActor() actor: Actor) {
    const page = { limit: dto.limit, group: dto.group, cursor: dto.cursor };
    return this.queryBus.execute(
      new OverdueReportQuery(actor, dto.groupBy ?? 'department', page, dto.asOf ? new Date(dto.asOf) : undefined),
    );
  }

  @Get('summary')
  @Expensive(withAsOf)
  @ApiOperation({
    summary:
      'Totals by status; per lead department open, overdue, resolved, on-time rate, median days to resolve, ageing, explanations pending and late; coordination per coordinating department; explanation totals',
    description:
      "Each item counts for its lead department. coordination: [{ department, due, contributed, contributedLate, missing }] over the coordinating parts requested in the period (contributed by their due date, after it, or missing: none yet and past due, or the assignment ended without it). explanations: { pending, late, answered, answeredLate } (pending and late as of the report's instant, answered in the period). With asOf every figure is as it stood then.",
  })
  summary(@Query() dto: SummaryReportRequestDto, @CurrentActor() actor: Actor) {
    const period = { from: dto.from ? new Date(dto.from) : undefined, to: dto.to ? new Date(dto.to) : undefined };
    return this.queryBus.execute(new SummaryReportQuery(actor, period, dto.asOf ? new Date(dto.asOf) : undefined));
  }
}

/** A report of the past is built from history; a report of now reads the live tables. */
function withAsOf(request: Request): boolean {
  return request.query.asOf !== undefined;
}
