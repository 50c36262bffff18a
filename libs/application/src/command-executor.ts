import { ConcurrencyError, deterministicUuid } from '@app/event-store';
import { KeyedMutex, type Clock } from '@app/common';
import { decide, evolve, fold, type RecommendationCommand, type RecommendationState } from '@app/recommendations';
import { ConcurrentUpdateError, IdempotencyKeyReusedError, StaleRevisionError } from './application.errors';
import { toDomainEvents, type LoadedRecommendation, type RecommendationStream } from './recommendation-stream';

const MAX_ATTEMPTS = 8;

/** Answer of every command, as API.md defines it. */
export interface CommandResult {
  id: string;
  revision: number;
  position: number;
  status: string;
}

/** What surrounds a command besides its content: where it came from and how to append it. */
export interface ExecutionOptions {
  correlationId: string;
  causationId: string;
  /** Expected revision from If-Match; null to decide on whatever is current. */
  ifMatch: number | null;
  idempotencyKey?: string;
  /** Seed for deterministic event ids: a retry with the same seed appends nothing twice. */
  idSeed?: string;
}

/**
 * Executes domain commands on recommendations: read the stream, decide, append with the revision
 * it decided on, hash-chained. Without If-Match a conflicting append is decided again on the new
 * state (a few times, with backoff); with If-Match a stale revision is the caller's to resolve.
 * Commands on one item inside one process are decided one after another. Every way in reaches it
 * through {@link RecommendationCommands}, which prepares the command first.
 */
export class CommandExecutor {
  private readonly perItem = new KeyedMutex();

  constructor(
    readonly streams: RecommendationStream,
    private readonly clock: Clock,
  ) {}

  /** `decide` checks who may issue the command; this only serialises and appends. */
  execute(command: RecommendationCommand, options: ExecutionOptions): Promise<CommandResult> {
    return this.perItem.run(command.recommendationId, () => this.decideAndAppend(command, options));
  }

  private async decideAndAppend(command: RecommendationCommand, options: ExecutionOptions): Promise<CommandResult> {
    let now = command.now;
    for (let attempt = 1; ; attempt++) {
      // With an Idempotency-Key the whole stream is read, to find a retried command's events.
      const loaded = options.idSeed
        ? await this.streams.load(command.recommendationId)
        : await this.streams.current(command.recommendationId);
      const replayed = options.idSeed ? alreadyAppended(loaded as LoadedRecommendation, options.idSeed, command) : null;
      if (replayed) return replayed;
      const current = loaded.revision === null ? null : Number(loaded.revision);
      if (options.ifMatch !== null && options.ifMatch !== current) throw new StaleRevisionError(options.ifMatch, current);
      const events = decide({ ...command, now }, loaded.state);
      try {
        const result = await this.streams.repository.append(
          loaded.stream,
          loaded,
          events,
          {
            actor: { ...command.actor },
            occurredAt: now,
            correlationId: options.correlationId,
            causationId: options.causationId,
            idempotencyKey: options.idempotencyKey,
          },
          options.idSeed,
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
        if (options.ifMatch !== null)
          throw new StaleRevisionError(options.ifMatch, error.actual === 'no_stream' ? null : Number(error.actual));
        if (attempt >= MAX_ATTEMPTS) throw new ConcurrentUpdateError();
        await backoff(attempt);
        now = this.clock.now().toISOString();
      }
    }
  }
}

/**
 * A retried command whose events are already in the stream: answer as the first time. The events
 * found under the seed must be what this command decided then (same types, decided on the state
 * before them at their time); a seed reused for another command is refused, never answered with
 * the other command's result.
 */
function alreadyAppended(loaded: LoadedRecommendation, idSeed: string, command: RecommendationCommand): CommandResult | null {
  const firstId = deterministicUuid(`${idSeed}:0`);
  const index = loaded.events.findIndex((e) => e.id === firstId);
  if (index < 0) return null;
  let last = index;
  while (last + 1 < loaded.events.length && loaded.events[last + 1].id === deterministicUuid(`${idSeed}:${last + 1 - index}`))
    last++;
  const found = loaded.events.slice(index, last + 1).map((e) => e.type);
  if (
    !sameDecision(
      command,
      fold(toDomainEvents(loaded.events.slice(0, index))),
      String(loaded.events[index].metadata.occurredAt),
      found,
    )
  ) {
    throw new IdempotencyKeyReusedError();
  }
  const stateThen = fold(toDomainEvents(loaded.events.slice(0, last + 1)));
  const event = loaded.events[last];
  const id = stateThen.status === 'none' ? '' : stateThen.id;
  return { id, revision: Number(event.revision), position: Number(event.position), status: stateThen.status };
}

/** Whether `command`, decided on the state before some events at their time, gives events of their types. */
function sameDecision(command: RecommendationCommand, before: RecommendationState, at: string, types: string[]): boolean {
  try {
    const decided = decide({ ...command, now: at }, before).map((e) => e.type);
    return decided.length === types.length && decided.every((type, i) => type === types[i]);
  } catch {
    return false;
  }
}

function backoff(attempt: number): Promise<void> {
  const ms = Math.min(200, 5 * 2 ** attempt) + Math.random() * 10;
  return new Promise((resolve) => setTimeout(resolve, ms));
}
