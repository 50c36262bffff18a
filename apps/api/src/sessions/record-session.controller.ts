import { Body, Controller, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { randomUUID } from 'node:crypto';
import { IdempotentRequests, WorkingSessions } from '@app/application';
import { CLOCK, type Clock } from '@app/common';
import type { Actor } from '@app/recommendations';
import { Roles } from '../auth/auth.guard';
import { CurrentActor } from '../auth/current-actor.decorator';
import { correlationId } from '../recommendations/request-context';
import { RecordSessionRequestDto } from './record-session.request.dto';

/** Working sessions are recorded here (the secretariat); lists and details are read from the read models. */
@ApiTags('sessions')
@ApiBearerAuth()
@Controller('sessions')
export class RecordSessionController {
  constructor(
    private readonly sessions: WorkingSessions,
    private readonly idempotency: IdempotentRequests,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Post()
  @HttpCode(201)
  // The domain decides who records a session; naming the role here answers 403 before any code is checked.
  @Roles('secretariat')
  @ApiOperation({ summary: 'Record a working session: group, date, communes present (extension; secretariat)' })
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: 'a retry with the same key and body answers the same session; another body under the key → 409',
  })
  async record(
    @Body() dto: RecordSessionRequestDto,
    @CurrentActor() actor: Actor,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<{ id: string; position: string }> {
    const header = req.headers['idempotency-key'];
    const key = typeof header === 'string' ? header : undefined;
    const input = {
      workingGroup: dto.workingGroup,
      date: dto.date,
      communes: dto.communes,
      place: dto.place ?? null,
      leader: dto.leader ?? null,
      minutesRef: dto.minutesRef ?? null,
    };
    const execute = async (idSeed?: string) => ({
      statusCode: 201,
      body: { ...(await this.sessions.record(input, actor, { idSeed })) },
    });
    if (!key) return (await execute()).body;
    const requestId = randomUUID();
    const answer = await this.idempotency.run(
      { actor, key, method: req.method, path: req.path, body: req.body },
      {
        actor: { ...actor },
        occurredAt: this.clock.now().toISOString(),
        correlationId: correlationId(req),
        causationId: requestId,
      },
      execute,
    );
    res.status(answer.statusCode);
    return answer.body as unknown as { id: string; position: string };
  }
}
