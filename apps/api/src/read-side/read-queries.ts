import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { CLOCK, type Clock } from '@app/common';
import {
  listRecommendations,
  ReportThreads,
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

/**
 * Reports of now read the live tables on the event loop (fast, bounded by the read model); reports
 * of the past are built from the history on a report thread, so their work never holds the loop.
 */
@QueryHandler(OverdueReportQuery)
export class OverdueReportHandler implements IQueryHandler<OverdueReportQuery> {
  constructor(
    private readonly readModels: ReadModels,
    private readonly threads: ReportThreads,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}
  async execute({ actor, groupBy, page, asOf }: OverdueReportQuery) {
    if (asOf) return this.threads.run(this.readModels.fileInUse(), { kind: 'overdue', actor, groupBy, page, asOf });
    return overdueReport(this.readModels.connection(), actor, groupBy, this.clock.now(), page);
  }
}

@QueryHandler(SummaryReportQuery)
export class SummaryReportHandler implements IQueryHandler<SummaryReportQuery> {
  constructor(
    private readonly readModels: ReadModels,
    private readonly threads: ReportThreads,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}
  async execute({ actor, period, asOf }: SummaryReportQuery) {
    if (asOf) return this.threads.run(this.readModels.fileInUse(), { kind: 'summary', actor, period, asOf });
    return summaryReport(this.readModels.connection(), actor, period, this.clock.now());
  }
}
