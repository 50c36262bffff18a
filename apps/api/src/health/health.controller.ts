import { Controller, Get, Inject, Optional, Req, Res } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Public, type MaybeAuthenticatedRequest } from '../auth/auth.guard';
import type { Response } from 'express';
import type { Redis } from 'ioredis';
import { REDIS, redisStatus } from '@app/common';
import { EVENT_STORE, type EventStore } from '@app/event-store';
import { PROJECTION_STATUS, type ProjectionStatusSource } from './projection-status';

@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(REDIS) private readonly redis: Redis,
    @Optional() @Inject(PROJECTION_STATUS) private readonly projections?: ProjectionStatusSource,
  ) {}

  /**
   * 200 while the event store answers (commands can be taken); Redis down only degrades the
   * service, since reminders catch up when it returns. 503 when the event store is down.
   *
   * A caller with a valid token gets the details; a stranger (a load balancer, a monitor) learns
   * only `{ status: 'ok' }` or `{ status: 'down' }`, so the service does not tell outsiders which
   * part is failing or how far its projections are.
   */
  @Get()
  @ApiOkResponse({
    description:
      'with a bearer token: { status: ok|degraded|down, eventStore, redis, projections: { position, lag } }; without: { status: ok|down }',
  })
  async health(@Req() req: MaybeAuthenticatedRequest, @Res({ passthrough: true }) res: Response) {
    const [head, redis] = await Promise.all([this.store.headPosition().catch(() => null), redisStatus(this.redis)]);
    const eventStore = head === null ? 'down' : 'up';
    const status = eventStore === 'down' ? 'down' : redis === 'down' ? 'degraded' : 'ok';
    if (status === 'down') res.status(503);
    if (!req.actor) return { status: status === 'down' ? 'down' : 'ok' };
    const position = this.projections ? await this.projections.position() : null;
    const projections = {
      position: position === null ? null : Number(position),
      lag: position === null || head === null ? null : Number(head - position),
    };
    return { status, eventStore, redis, projections };
  }
}
