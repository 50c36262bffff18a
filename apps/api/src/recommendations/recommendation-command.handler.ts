import { Inject } from '@nestjs/common';
import type { ICommandHandler } from '@nestjs/cqrs';
import { ConcurrencyError, deterministicUuid } from '@app/event-store';
import { CLOCK, KeyedMutex, type Clock } from '@app/common';
import { decide, evolve, fold, roleMayIssueCommand, type RecommendationState } from '@app/recommendations';
import { ConcurrentUpdateError, StaleRevisionError } from '../errors/api-errors';
import type { CommandResult, RecommendationCommandMessage } from './recommendation-command';
import { RecommendationStream, toDomainEvents, type LoadedRecommendation } from './recommendation-stream';

const MAX_ATTEMPTS = 8;

/** Shared by every handler of this process: commands on one item are decided one after another. */
const perItem = new KeyedMutex();

/**
 * Every command's handler: read the stream, decide, append with the revision it decided on.
 * Without If-Match a conflicting append is decided again on the new state (a few times, with
 * backoff); with If-Match a stale revision is the caller's to resolve (412).
 */
export abstract class RecommendationCommandHandler<
  M extends RecommendationCommandMessage,
> implements ICommandHandler<RecommendationCommandMessage> {
  constructor(
    @Inject(RecommendationStream) private readonly streams: RecommendationStream,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  execute(message: M): Promise<CommandResult> {
    roleMayIssueCommand(message.command);
    return perItem.run(message.command.recommendationId, () => this.decideAndAppend(message));
  }

  private async decideAndAppend({ command, context }: M): Promise<CommandResult> {
    let now = command.now;
    for (let attempt = 1; ; attempt++) {
      const loaded = await this.streams.load(command.recommendationId);
      const replayed = context.idSeed ? alreadyAppended(loaded, context.idSeed) : null;
      if (replayed) return replayed;
      if (context.ifMatch !== null && context.ifMatch !== (loaded.revision === null ? null : Number(loaded.revision))) {
        throw new StaleRevisionError(context.ifMatch, loaded.revision === null ? null : Number(loaded.revision));
      }
      const events = decide({ ...command, now }, loaded.state);
      try {
        const result = await this.streams.repository.append(
          loaded.stream,
          loaded,
          events,
          {
            actor: { ...command.actor },
            occurredAt: now,
            correlationId: context.correlationId,
            causationId: context.requestId,
            idempotencyKey: context.idempotencyKey,
          },
          context.idSeed,
        );
        const after = events.reduce<RecommendationState>(evolve, loaded.state);
        return {
          id: command.recommendationId,
          revision: Number(result.nextRevision),
          position: Number(result.position),
          status: after.status,
        };
      } catch (error) {
        if (!(error instanceof ConcurrencyError)) throw error;
        if (context.ifMatch !== null)
          throw new StaleRevisionError(context.ifMatch, error.actual === 'no_stream' ? null : Number(error.actual));
        if (attempt >= MAX_ATTEMPTS) throw new ConcurrentUpdateError();
        await backoff(attempt);
        now = this.clock.now().toISOString();
      }
    }
  }
}

/** A retried request whose events are already in the stream: answer as the first time. */
function alreadyAppended(loaded: LoadedRecommendation, idSeed: string): CommandResult | null {
  const firstId = deterministicUuid(`${idSeed}:0`);
  const index = loaded.events.findIndex((e) => e.id === firstId);
  if (index < 0) return null;
  let last = index;
  while (last + 1 < loaded.events.length && loaded.events[last + 1].id === deterministicUuid(`${idSeed}:${last + 1 - index}`))
    last++;
  const upTo = loaded.events.slice(0, last + 1);
  const stateThen = fold(toDomainEvents(upTo));
  const event = loaded.events[last];
  return {
    id: loaded.state.status === 'none' ? '' : loaded.state.id,
    revision: Number(event.revision),
    position: Number(event.position),
    status: stateThen.status,
  };
}

function backoff(attempt: number): Promise<void> {
  const ms = Math.min(200, 5 * 2 ** attempt) + Math.random() * 10;
  return new Promise((resolve) => setTimeout(resolve, ms));
}
