import { Body, Controller, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import { randomUUID } from 'node:crypto';
import { CLOCK, Directory, type Clock } from '@app/common';
import { deterministicUuid } from '@app/event-store';
import type { Actor, RecommendationCommand } from '@app/recommendations';
import { CommandExchange, type Exchange } from '../auth/command-exchange.decorator';
import { IdempotencyService } from '../idempotency/idempotency.service';
import { DeadlineService } from './deadline.service';
import { assertKnownCodes } from './directory-codes';
import type { CommandResult, RecommendationCommandMessage, RequestContext } from './recommendation-command';
import { correlationId, parseIfMatch, recommendationId } from './request-context';
import { AcceptRecommendationCommand } from './accept-recommendation/accept-recommendation.command';
import { AcceptRecommendationRequestDto } from './accept-recommendation/accept-recommendation.request.dto';
import { AcknowledgeAssignmentCommand } from './acknowledge-assignment/acknowledge-assignment.command';
import { AcknowledgeAssignmentRequestDto } from './acknowledge-assignment/acknowledge-assignment.request.dto';
import { AssignRecommendationCommand } from './assign-recommendation/assign-recommendation.command';
import { AssignRecommendationRequestDto } from './assign-recommendation/assign-recommendation.request.dto';
import { DeclineRecommendationCommand } from './decline-recommendation/decline-recommendation.command';
import { DeclineRecommendationRequestDto } from './decline-recommendation/decline-recommendation.request.dto';
import { ExtendDeadlineCommand } from './extend-deadline/extend-deadline.command';
import { ExtendDeadlineRequestDto } from './extend-deadline/extend-deadline.request.dto';
import { RaiseRecommendationCommand } from './raise-recommendation/raise-recommendation.command';
import { RaiseRecommendationRequestDto } from './raise-recommendation/raise-recommendation.request.dto';
import { ReopenRecommendationCommand } from './reopen-recommendation/reopen-recommendation.command';
import { ReopenRecommendationRequestDto } from './reopen-recommendation/reopen-recommendation.request.dto';
import { ReportProgressCommand } from './report-progress/report-progress.command';
import { ReportProgressRequestDto } from './report-progress/report-progress.request.dto';
import { RequestExtensionCommand } from './request-extension/request-extension.command';
import { RequestExtensionRequestDto } from './request-extension/request-extension.request.dto';
import { ResolveRecommendationCommand } from './resolve-recommendation/resolve-recommendation.command';
import { ResolveRecommendationRequestDto } from './resolve-recommendation/resolve-recommendation.request.dto';
import { ReturnAssignmentCommand } from './return-assignment/return-assignment.command';
import { ReturnAssignmentRequestDto } from './return-assignment/return-assignment.request.dto';

type Build = (
  id: string,
  context: RequestContext,
  base: { recommendationId: string; actor: Actor; now: string },
) => RecommendationCommandMessage;

/** The write side of API.md: one route per command, each dispatched on the CommandBus. */
@ApiTags('commands')
@ApiBearerAuth()
@ApiHeader({ name: 'If-Match', required: false, description: 'expected revision, e.g. "3"; stale → 412' })
@ApiHeader({
  name: 'Idempotency-Key',
  required: false,
  description: 'a retry with the same key and body returns the first answer',
})
@ApiHeader({ name: 'X-Correlation-Id', required: false })
@Controller('recommendations')
export class RecommendationCommandsController {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly idempotency: IdempotencyService,
    private readonly deadlines: DeadlineService,
    private readonly directory: Directory,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: 'Raise a recommendation (secretariat; a commune for itself)' })
  raise(@Body() dto: RaiseRecommendationRequestDto, @CommandExchange() exchange: Exchange) {
    return this.dispatch(null, 201, exchange, (id, ctx, base) => {
      const command = {
        ...base,
        type: 'RaiseRecommendation' as const,
        commune: dto.commune,
        title: dto.title,
        description: dto.description,
      };
      return new RaiseRecommendationCommand(
        { ...command, category: dto.category, workingGroup: dto.workingGroup ?? null, sessionDate: dto.sessionDate ?? null },
        ctx,
      );
    });
  }

  @Post(':id/accept')
  @HttpCode(200)
  @ApiOperation({ summary: 'Accept a raised recommendation (secretariat)' })
  accept(@Param('id') id: string, @Body() dto: AcceptRecommendationRequestDto, @CommandExchange() exchange: Exchange) {
    return this.dispatch(
      id,
      200,
      exchange,
      (_, ctx, base) => new AcceptRecommendationCommand({ ...base, type: 'AcceptRecommendation', note: dto.note ?? null }, ctx),
    );
  }

  @Post(':id/decline')
  @HttpCode(200)
  @ApiOperation({ summary: 'Decline a raised recommendation (secretariat)' })
  decline(@Param('id') id: string, @Body() dto: DeclineRecommendationRequestDto, @CommandExchange() exchange: Exchange) {
    return this.dispatch(
      id,
      200,
      exchange,
      (_, ctx, base) => new DeclineRecommendationCommand({ ...base, type: 'DeclineRecommendation', reason: dto.reason }, ctx),
    );
  }

  @Post(':id/assign')
  @HttpCode(200)
  @ApiOperation({ summary: 'Assign an accepted recommendation to a department with a due date (secretariat)' })
  assign(@Param('id') id: string, @Body() dto: AssignRecommendationRequestDto, @CommandExchange() exchange: Exchange) {
    return this.dispatch(id, 200, exchange, (_, ctx, base) => {
      const due = this.deadlines.due(dto, ctx.now);
      return new AssignRecommendationCommand(
        { ...base, type: 'AssignRecommendation', department: dto.department, due, instructions: dto.instructions ?? null },
        ctx,
      );
    });
  }

  @Post(':id/acknowledge')
  @HttpCode(200)
  @ApiOperation({ summary: 'Acknowledge an assignment (the assigned department)' })
  acknowledge(@Param('id') id: string, @Body() _dto: AcknowledgeAssignmentRequestDto, @CommandExchange() exchange: Exchange) {
    return this.dispatch(
      id,
      200,
      exchange,
      (_, ctx, base) => new AcknowledgeAssignmentCommand({ ...base, type: 'AcknowledgeAssignment' }, ctx),
    );
  }

  @Post(':id/progress')
  @HttpCode(200)
  @ApiOperation({ summary: 'Report progress (the assigned department)' })
  progress(@Param('id') id: string, @Body() dto: ReportProgressRequestDto, @CommandExchange() exchange: Exchange) {
    return this.dispatch(
      id,
      200,
      exchange,
      (_, ctx, base) => new ReportProgressCommand({ ...base, type: 'ReportProgress', note: dto.note }, ctx),
    );
  }

  @Post(':id/extension-request')
  @HttpCode(200)
  @ApiOperation({ summary: 'Ask for more time (the assigned department)' })
  requestExtension(@Param('id') id: string, @Body() dto: RequestExtensionRequestDto, @CommandExchange() exchange: Exchange) {
    return this.dispatch(
      id,
      200,
      exchange,
      (_, ctx, base) =>
        new RequestExtensionCommand(
          { ...base, type: 'RequestExtension', requestedDueAt: dto.requestedDueAt, reason: dto.reason },
          ctx,
        ),
    );
  }

  @Post(':id/extend')
  @HttpCode(200)
  @ApiOperation({ summary: 'Move the deadline later (secretariat, committee)' })
  extend(@Param('id') id: string, @Body() dto: ExtendDeadlineRequestDto, @CommandExchange() exchange: Exchange) {
    return this.dispatch(
      id,
      200,
      exchange,
      (_, ctx, base) =>
        new ExtendDeadlineCommand(
          { ...base, type: 'ExtendDeadline', due: this.deadlines.due(dto, ctx.now), reason: dto.reason },
          ctx,
        ),
    );
  }

  @Post(':id/return')
  @HttpCode(200)
  @ApiOperation({ summary: "Return as outside the department's competence (the assigned department)" })
  giveBack(@Param('id') id: string, @Body() dto: ReturnAssignmentRequestDto, @CommandExchange() exchange: Exchange) {
    return this.dispatch(
      id,
      200,
      exchange,
      (_, ctx, base) => new ReturnAssignmentCommand({ ...base, type: 'ReturnAssignment', reason: dto.reason }, ctx),
    );
  }

  @Post(':id/resolve')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Resolve with a written response (the assigned department; the secretariat when answered on the spot)',
  })
  resolve(@Param('id') id: string, @Body() dto: ResolveRecommendationRequestDto, @CommandExchange() exchange: Exchange) {
    return this.dispatch(
      id,
      200,
      exchange,
      (_, ctx, base) =>
        new ResolveRecommendationCommand({ ...base, type: 'ResolveRecommendation', resolution: dto.resolution }, ctx),
    );
  }

  @Post(':id/reopen')
  @HttpCode(200)
  @ApiOperation({ summary: 'Reopen a resolved recommendation with a new due date (committee, secretariat)' })
  reopen(@Param('id') id: string, @Body() dto: ReopenRecommendationRequestDto, @CommandExchange() exchange: Exchange) {
    return this.dispatch(
      id,
      200,
      exchange,
      (_, ctx, base) =>
        new ReopenRecommendationCommand(
          {
            ...base,
            type: 'ReopenRecommendation',
            reason: dto.reason,
            due: this.deadlines.due(dto, ctx.now),
            department: dto.department ?? null,
          },
          ctx,
        ),
    );
  }

  /** Builds the context, applies Idempotency-Key, dispatches, and sets ETag and status. */
  private async dispatch(
    rawId: string | null,
    statusCode: number,
    { actor, req, res }: Exchange,
    build: Build,
  ): Promise<CommandResult> {
    const id = rawId === null ? null : recommendationId(rawId);
    const now = this.clock.now();
    const header = req.headers['idempotency-key'];
    const key = typeof header === 'string' ? header : undefined;
    const context: RequestContext = {
      actor,
      now,
      correlationId: correlationId(req),
      requestId: randomUUID(),
      ifMatch: parseIfMatch(req.headers['if-match']),
      idempotencyKey: key,
    };
    const execute = async (idSeed?: string) => {
      const targetId = id ?? (idSeed ? deterministicUuid(`${idSeed}:id`) : randomUUID());
      const message = build(targetId, { ...context, idSeed }, { recommendationId: targetId, actor, now: now.toISOString() });
      assertKnownCodes(message.command as RecommendationCommand, this.directory);
      const result = await this.commandBus.execute<RecommendationCommandMessage, CommandResult>(message);
      return { statusCode, body: { ...result } };
    };
    const answer = key
      ? await this.idempotency.run(
          { sub: actor.sub, key, method: req.method, path: req.path, body: req.body },
          {
            actor: { ...actor },
            occurredAt: now.toISOString(),
            correlationId: context.correlationId,
            causationId: context.requestId,
          },
          execute,
        )
      : await execute();
    res.status(answer.statusCode);
    res.setHeader('ETag', `"${String(answer.body.revision)}"`);
    return answer.body as unknown as CommandResult;
  }
}
