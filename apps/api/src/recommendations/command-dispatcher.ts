import { applyDecorators, Controller, Inject, Injectable, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiTags } from '@nestjs/swagger';
import { randomUUID } from 'node:crypto';
import { CLOCK, type Clock } from '@app/common';
import { IdempotentRequests, RecommendationCommands, type CommandInput, type CommandResult } from '@app/application';
import type { UserCommandType } from '@app/recommendations';
import type { Exchange } from '../auth/command-exchange.decorator';
import { correlationId, parseIfMatch } from './request-context';

export const COMMAND_ROUTE = Symbol('command-route');

/**
 * Marks a controller as the HTTP way in of one user command (its slice's route), under
 * `/recommendations`, with the headers every command takes. The command type is recorded so that
 * the route table can be checked at start.
 */
export function CommandRoute(type: UserCommandType): ClassDecorator {
  return applyDecorators(
    SetMetadata(COMMAND_ROUTE, type),
    ApiTags('commands'),
    ApiBearerAuth(),
    ApiHeader({ name: 'If-Match', required: false, description: 'expected revision, e.g. "3"; stale → 412' }),
    ApiHeader({
      name: 'Idempotency-Key',
      required: false,
      description: 'a retry with the same key and body returns the first answer',
    }),
    ApiHeader({ name: 'X-Correlation-Id', required: false }),
    Controller('recommendations'),
  );
}

/**
 * What every command route does besides mapping its body: read the command headers (If-Match,
 * Idempotency-Key, X-Correlation-Id), run the command through the application layer, answer with
 * the status and the ETag.
 */
@Injectable()
export class CommandDispatcher {
  constructor(
    private readonly commands: RecommendationCommands,
    private readonly idempotency: IdempotentRequests,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async dispatch({ actor, req, res }: Exchange, input: CommandInput, statusCode = 200): Promise<CommandResult> {
    const now = this.clock.now();
    const header = req.headers['idempotency-key'];
    const key = typeof header === 'string' ? header : undefined;
    const correlation = correlationId(req);
    const requestId = randomUUID();
    const ifMatch = parseIfMatch(req.headers['if-match']);
    const execute = async (idSeed?: string) => {
      const result = await this.commands.execute(input, actor, {
        now,
        correlationId: correlation,
        causationId: requestId,
        ifMatch,
        idempotencyKey: key,
        idSeed,
      });
      return { statusCode, body: { ...result } };
    };
    const answer = key
      ? await this.idempotency.run(
          { actor, key, method: req.method, path: req.path, body: req.body },
          { actor: { ...actor }, occurredAt: now.toISOString(), correlationId: correlation, causationId: requestId },
          execute,
        )
      : await execute();
    res.status(answer.statusCode);
    res.setHeader('ETag', `"${String(answer.body.revision)}"`);
    return answer.body as unknown as CommandResult;
  }
}
