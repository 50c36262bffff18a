import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { ProvinceTimeTravel } from '@app/audit';
import { CLOCK, type Clock } from '@app/common';
import {
  listRecommendations,
  overdueReport,
  summaryReport,
  type ListFilters,
  type OverdueGroupBy,
  type OverduePage,
} from '@app/read-models';
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
    readonly page: OverduePage,
    /** Replay the log up to this time instead of reading the live read model. */
    readonly asOf?: Date,
  ) {}
}

export class SummaryReportQuery {
  constructor(
    readonly actor: Actor,
    readonly period: { from?: Date; to?: Date },
    readonly asOf?: Date,
  ) {}
}

/** The live read model and the clock, or the province replayed as of a past time. */
async function source(readModels: ReadModels, timeTravel: ProvinceTimeTravel, clock: Clock, asOf?: Date) {
  if (!asOf) return { db: readModels.connection(), now: clock.now() };
  return { db: await timeTravel.readModelAt(asOf), now: asOf };
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
    private readonly timeTravel: ProvinceTimeTravel,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}
  async execute({ actor, groupBy, page, asOf }: OverdueReportQuery) {
    const { db, now } = await source(this.readModels, this.timeTravel, this.clock, asOf);
    return overdueReport(db, actor, groupBy, now, page);
  }
}

@QueryHandler(SummaryReportQuery)
export class SummaryReportHandler implements IQueryHandler<SummaryReportQuery> {
  constructor(
    private readonly readModels: ReadModels,
    private readonly timeTravel: ProvinceTimeTravel,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}
  async execute({ actor, period, asOf }: SummaryReportQuery) {
    const { db, now } = await source(this.readModels, this.timeTravel, this.clock, asOf);
    return summaryReport(db, actor, period, now);
  }
}
