import { Command } from '@nestjs/cqrs';
import type { Actor, RecommendationCommand } from '@app/recommendations';
import type { CommandResult } from '@app/recommendation-store';

export type { CommandResult };

/** What a request brings to a command besides its body. */
export interface RequestContext {
  actor: Actor;
  now: Date;
  correlationId: string;
  /** The request itself: the cause of the events it produces. */
  requestId: string;
  ifMatch: number | null;
  idempotencyKey?: string;
  /** Seed for deterministic event ids (set when an Idempotency-Key is given). */
  idSeed?: string;
}

/**
 * Base of the command messages dispatched on the CommandBus: the domain command plus its request
 * context. Each use case has its own subclass, so that it has its own handler.
 */
export abstract class RecommendationCommandMessage<
  C extends RecommendationCommand = RecommendationCommand,
> extends Command<CommandResult> {
  constructor(
    readonly command: C,
    readonly context: RequestContext,
  ) {
    super();
  }
}
