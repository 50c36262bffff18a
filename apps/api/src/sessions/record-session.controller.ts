import { Body, Controller, Headers, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import { WorkingSessions } from '@app/application';
import type { Actor } from '@app/recommendations';
import { CurrentActor } from '../auth/current-actor.decorator';
import { RecordSessionRequestDto } from './record-session.request.dto';

/** Working sessions are recorded here (the secretariat); lists and details are read from the read models. */
@ApiTags('sessions')
@ApiBearerAuth()
@Controller('sessions')
export class RecordSessionController {
  constructor(private readonly sessions: WorkingSessions) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: 'Record a working session: group, date, communes present (extension; secretariat)' })
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: 'a retry with the same key records nothing twice and answers the same id',
  })
  async record(
    @Body() dto: RecordSessionRequestDto,
    @CurrentActor() actor: Actor,
    @Headers('idempotency-key') key?: string,
  ): Promise<{ id: string; position: string }> {
    const idSeed = key ? `session-${actor.sub}-${key}` : undefined;
    return this.sessions.record(
      {
        workingGroup: dto.workingGroup,
        date: dto.date,
        communes: dto.communes,
        place: dto.place ?? null,
        leader: dto.leader ?? null,
        minutesRef: dto.minutesRef ?? null,
      },
      actor,
      { idSeed },
    );
  }
}
