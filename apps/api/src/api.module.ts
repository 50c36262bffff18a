import { Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR, APP_PIPE } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { ThrottlerGuard, ThrottlerModule } from '@nestjs/throttler';
import { AppConfig } from '@app/common';
import { parseDuration } from '@app/reminders';
import { AuditController } from './audit/audit.controller';
import { AuthGuard } from './auth/auth.guard';
import { FixedWindowThrottlerStorage } from './throttling/fixed-window.storage';
import { TokenVerifier } from './auth/token-verifier';
import { DirectoryController } from './directory/directory.controller';
import { HttpExceptionFilter } from './errors/http-exception.filter';
import { HealthController } from './health/health.controller';
import { IdempotencyService } from './idempotency/idempotency.service';
import { AcceptRecommendationHandler } from './recommendations/accept-recommendation/accept-recommendation.handler';
import { AcknowledgeAssignmentHandler } from './recommendations/acknowledge-assignment/acknowledge-assignment.handler';
import { AssignRecommendationHandler } from './recommendations/assign-recommendation/assign-recommendation.handler';
import { DeadlineService } from './recommendations/deadline.service';
import { DeclineRecommendationHandler } from './recommendations/decline-recommendation/decline-recommendation.handler';
import { ExtendDeadlineHandler } from './recommendations/extend-deadline/extend-deadline.handler';
import { GetHistoryHandler } from './recommendations/get-history/get-history.handler';
import { GetRecommendationHandler } from './recommendations/get-recommendation/get-recommendation.handler';
import { RaiseRecommendationHandler } from './recommendations/raise-recommendation/raise-recommendation.handler';
import { RecommendationCommandsController } from './recommendations/recommendation-commands.controller';
import { RecommendationQueriesController } from './recommendations/recommendation-queries.controller';
import { ReopenRecommendationHandler } from './recommendations/reopen-recommendation/reopen-recommendation.handler';
import { ReportProgressHandler } from './recommendations/report-progress/report-progress.handler';
import { RequestExtensionHandler } from './recommendations/request-extension/request-extension.handler';
import { ResolveRecommendationHandler } from './recommendations/resolve-recommendation/resolve-recommendation.handler';
import { ReturnAssignmentHandler } from './recommendations/return-assignment/return-assignment.handler';
import { createValidationPipe } from './validation.pipe';
import { PROJECTION_STATUS } from './health/projection-status';
import { MinPositionInterceptor } from './read-side/min-position.interceptor';
import { ReadModels } from './read-side/read-model.provider';
import { ListRecommendationsHandler, OverdueReportHandler, SummaryReportHandler } from './read-side/read-queries';
import { RecommendationListController, ReportsController } from './read-side/read-side.controllers';

const commandHandlers = [
  RaiseRecommendationHandler,
  AcceptRecommendationHandler,
  DeclineRecommendationHandler,
  AssignRecommendationHandler,
  AcknowledgeAssignmentHandler,
  ReportProgressHandler,
  RequestExtensionHandler,
  ExtendDeadlineHandler,
  ReturnAssignmentHandler,
  ResolveRecommendationHandler,
  ReopenRecommendationHandler,
];

/** The HTTP role: controllers, guards, DTOs and the exception filter. */
@Module({
  imports: [
    CqrsModule,
    ThrottlerModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        throttlers: [{ ttl: parseDuration(config.THROTTLE_WINDOW), limit: config.THROTTLE_LIMIT }],
        storage: new FixedWindowThrottlerStorage(),
      }),
    }),
  ],
  controllers: [
    HealthController,
    DirectoryController,
    RecommendationListController,
    RecommendationCommandsController,
    RecommendationQueriesController,
    ReportsController,
    AuditController,
  ],
  providers: [
    TokenVerifier,
    IdempotencyService,
    DeadlineService,
    ...commandHandlers,
    GetRecommendationHandler,
    GetHistoryHandler,
    ReadModels,
    { provide: PROJECTION_STATUS, useExisting: ReadModels },
    ListRecommendationsHandler,
    OverdueReportHandler,
    SummaryReportHandler,
    { provide: APP_INTERCEPTOR, useClass: MinPositionInterceptor },
    // Throttling comes first, so that a flood of bad tokens is cut off before any is checked.
    { provide: APP_GUARD, useClass: ThrottlerGuard },
    { provide: APP_GUARD, useClass: AuthGuard },
    { provide: APP_FILTER, useClass: HttpExceptionFilter },
    { provide: APP_PIPE, useFactory: createValidationPipe },
  ],
})
export class ApiModule {}
