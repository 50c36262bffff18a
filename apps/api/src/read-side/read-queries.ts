import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { CLOCK, type Clock } from '@app/common';
import {
  itemsAsOf,
  listRecommendations,
  LIVE_ITEMS,
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

/** The live items at the clock's now, or every item as it stood at a past time (from the history in the read model). */
function source(readModels: ReadModels, clock: Clock, asOf?: Date) {
  const db = readModels.connection();
  return asOf ? { db, now: asOf, items: itemsAsOf(asOf) } : { db, now: clock.now(), items: LIVE_ITEMS };
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
  async execute({ actor, groupBy, page, asOf }: OverdueReportQuery) {
    const { db, now, items } = source(this.readModels, this.clock, asOf);
    return overdueReport(db, actor, groupBy, now, page, items);
  }
}

@QueryHandler(SummaryReportQuery)
export class SummaryReportHandler implements IQueryHandler<SummaryReportQuery> {
  constructor(
    private readonly readModels: ReadModels,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}
  async execute({ actor, period, asOf }: SummaryReportQuery) {
    const { db, now, items } = source(this.readModels, this.clock, asOf);
    return summaryReport(db, actor, period, now, items);
  }
}
