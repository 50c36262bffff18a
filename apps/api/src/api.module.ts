import { Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR, APP_PIPE } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { ThrottlerGuard, ThrottlerModule } from '@nestjs/throttler';
import { AppConfig, parseDuration } from '@app/common';
import { AttachmentsModule } from './attachments/attachments.module';
import { AuditController } from './audit/audit.controller';
import { AuthGuard } from './auth/auth.guard';
import { ExpensiveGate } from './throttling/expensive-gate';
import { EXPENSIVE_LIMITS, ExpensiveRequestsInterceptor } from './throttling/expensive.interceptor';
import { FixedWindowThrottlerStorage } from './throttling/fixed-window.storage';
import { TokenVerifier } from './auth/token-verifier';
import { DirectoryController } from './directory/directory.controller';
import { HttpExceptionFilter } from './errors/http-exception.filter';
import { HealthController } from './health/health.controller';
import { ACCOUNT_PROVIDERS } from './accounts/accounts.providers';
import { AdminUsersController } from './accounts/admin-users.controller';
import { AdminDirectoryController } from './directory/admin-directory.controller';
import { BackgroundJobs } from './jobs/background-jobs';
import { JobsController } from './jobs/jobs.controller';
import { SetupPageController } from './setup-page/setup-page.controller';
import { AuthController } from './accounts/auth.controller';
import { OidcController } from './accounts/oidc.controller';
import { OidcClient } from './accounts/oidc';
import { GetHistoryHandler } from './recommendations/get-history/get-history.handler';
import { GetRecommendationHandler } from './recommendations/get-recommendation/get-recommendation.handler';
import { CommandDispatcher } from './recommendations/command-dispatcher';
import { commandControllers } from './recommendations/command-routes';
import { RecommendationQueriesController } from './recommendations/recommendation-queries.controller';
import { createValidationPipe } from './validation.pipe';
import { RecordSessionController } from './sessions/record-session.controller';
import { PROJECTION_STATUS } from './health/projection-status';
import { MinPositionInterceptor } from './read-side/min-position.interceptor';
import { ReadModels, ReportThreadsProvider } from './read-side/read-model.provider';
import {
  GetSessionHandler,
  ListRecommendationsHandler,
  ListSessionsHandler,
  OverdueReportHandler,
  SummaryReportHandler,
} from './read-side/read-queries';
import { SessionQueriesController } from './read-side/sessions-queries.controller';
import { RecommendationListController, ReportsController } from './read-side/read-side.controllers';

/** The HTTP role: controllers, guards, DTOs and the exception filter. */
@Module({
  imports: [
    CqrsModule,
    AttachmentsModule,
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
    ...commandControllers(),
    RecommendationQueriesController,
    ReportsController,
    SessionQueriesController,
    AuditController,
    AuthController,
    AdminUsersController,
    AdminDirectoryController,
    JobsController,
    SetupPageController,
    OidcController,
    RecordSessionController,
  ],
  providers: [
    TokenVerifier,
    BackgroundJobs,
    ...ACCOUNT_PROVIDERS,
    OidcClient,
    CommandDispatcher,
    GetRecommendationHandler,
    GetHistoryHandler,
    ReadModels,
    { provide: PROJECTION_STATUS, useExisting: ReadModels },
    ListRecommendationsHandler,
    OverdueReportHandler,
    SummaryReportHandler,
    ListSessionsHandler,
    GetSessionHandler,
    { provide: APP_INTERCEPTOR, useClass: MinPositionInterceptor },
    { provide: ExpensiveGate, useFactory: () => new ExpensiveGate(EXPENSIVE_LIMITS) },
    ReportThreadsProvider,
    { provide: APP_INTERCEPTOR, useClass: ExpensiveRequestsInterceptor },
    // Throttling comes first, so that a flood of bad tokens is cut off before any is checked.
    { provide: APP_GUARD, useClass: ThrottlerGuard },
    { provide: APP_GUARD, useClass: AuthGuard },
    { provide: APP_FILTER, useClass: HttpExceptionFilter },
    { provide: APP_PIPE, useFactory: createValidationPipe },
  ],
})
export class ApiModule {}
