import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { CLOCK, type Clock } from '@app/common';
import { ApplicationError, isUuid, WorkingSessions } from '@app/application';
import {
  findSession,
  listRecommendations,
  listSessions,
  ReportThreads,
  overdueReport,
  sessionDetail,
  sessionVisibleTo,
  summaryReport,
  type ListFilters,
  type OverdueGroupBy,
  type OverduePage,
  type SessionFilters,
  type SessionRecord,
} from '@app/read-models';
import { SessionErrorCodes, type Actor } from '@app/recommendations';
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

export class ListSessionsQuery {
  constructor(
    readonly actor: Actor,
    readonly filters: SessionFilters,
  ) {}
}

export class GetSessionQuery {
  constructor(
    readonly actor: Actor,
    readonly id: string,
  ) {}
}

@QueryHandler(ListSessionsQuery)
export class ListSessionsHandler implements IQueryHandler<ListSessionsQuery> {
  constructor(
    private readonly readModels: ReadModels,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}
  async execute({ actor, filters }: ListSessionsQuery) {
    return listSessions(this.readModels.connection(), actor, filters, this.clock.now());
  }
}

/**
 * One session with the counts and the list of its items in the caller's scope. The session itself
 * is read from its stream when the read models have not reached it yet, so it is found as soon as
 * it is recorded; its items follow the read models (see ?minPosition).
 */
@QueryHandler(GetSessionQuery)
export class GetSessionHandler implements IQueryHandler<GetSessionQuery> {
  constructor(
    private readonly readModels: ReadModels,
    private readonly sessions: WorkingSessions,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}
  async execute({ actor, id }: GetSessionQuery) {
    // Not echoed: a malformed id may carry anything.
    const notFound = new ApplicationError(
      SessionErrorCodes.notFound,
      'not_found',
      'session not found: no working session has this id',
    );
    if (!isUuid(id)) throw notFound;
    const sessionId = id.toLowerCase();
    const db = this.readModels.connection();
    const session = findSession(db, sessionId) ?? (await this.recorded(sessionId));
    if (!session || !sessionVisibleTo(actor, session)) throw notFound;
    return sessionDetail(db, actor, session, this.clock.now());
  }

  private async recorded(id: string): Promise<SessionRecord | null> {
    const state = await this.sessions.get(id);
    if (!state) return null;
    const { workingGroup, date, communes, place, leader, minutesRef } = state;
    return { id: state.id, workingGroup, date, communes, place, leader, minutesRef };
  }
}
