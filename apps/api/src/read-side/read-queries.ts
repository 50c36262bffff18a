import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { CLOCK, type Clock } from '@app/common';
import { listRecommendations, overdueReport, summaryReport, type ListFilters, type OverdueGroupBy } from '@app/read-models';
import type { Actor } from '@app/recommendations';
import { ReadModels } from './read-model.provider';

export class ListRecommendationsQuery {
  constructor(
    readonly actor: Actor,
    readonly filters: ListFilters,
  ) {}
}

export class OverdueReportQuery {
  constructor(
    readonly actor: Actor,
    readonly groupBy: OverdueGroupBy,
  ) {}
}

export class SummaryReportQuery {
  constructor(
    readonly actor: Actor,
    readonly period: { from?: Date; to?: Date },
  ) {}
}

@QueryHandler(ListRecommendationsQuery)
export class ListRecommendationsHandler implements IQueryHandler<ListRecommendationsQuery> {
  constructor(
    private readonly readModels: ReadModels,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}
  async execute({ actor, filters }: ListRecommendationsQuery) {
    return listRecommendations(this.readModels.connection(), actor, filters, this.clock.now());
  }
}

@QueryHandler(OverdueReportQuery)
export class OverdueReportHandler implements IQueryHandler<OverdueReportQuery> {
  constructor(
    private readonly readModels: ReadModels,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}
  async execute({ actor, groupBy }: OverdueReportQuery) {
    return overdueReport(this.readModels.connection(), actor, groupBy, this.clock.now());
  }
}

@QueryHandler(SummaryReportQuery)
export class SummaryReportHandler implements IQueryHandler<SummaryReportQuery> {
  constructor(
    private readonly readModels: ReadModels,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}
  async execute({ actor, period }: SummaryReportQuery) {
    return summaryReport(this.readModels.connection(), actor, period, this.clock.now());
  }
}
