import { Inject } from '@nestjs/common';
import type { ICommandHandler } from '@nestjs/cqrs';
import { RecommendationStore, type CommandResult } from '@app/recommendation-store';
import type { RecommendationCommandMessage } from './recommendation-command';

/** Every command's handler is this one: the store reads, decides and appends. Nothing else. */
export abstract class RecommendationCommandHandler<
  M extends RecommendationCommandMessage,
> implements ICommandHandler<RecommendationCommandMessage> {
  // Explicit token: the subclasses declare no constructor, so there is no type metadata to read.
  constructor(@Inject(RecommendationStore) private readonly recommendations: RecommendationStore) {}

  execute({ command, context }: M): Promise<CommandResult> {
    return this.recommendations.execute(command, {
      correlationId: context.correlationId,
      causationId: context.requestId,
      ifMatch: context.ifMatch,
      idempotencyKey: context.idempotencyKey,
      idSeed: context.idSeed,
    });
  }
}
