import { randomUUID } from 'node:crypto';
import type { Clock } from '@app/common';
import type { EventContext } from '@app/event-store';
import type { Actor } from '@app/recommendations';

/**
 * The metadata of events a person or the service causes directly, outside a recommendation
 * command (accounts, the directory, the setup): who, now, and a correlation of their own.
 */
export function directContext(actor: Actor, clock: Clock): EventContext {
  const id = randomUUID();
  return {
    actor: { sub: actor.sub, name: actor.name, role: actor.role },
    occurredAt: clock.now().toISOString(),
    correlationId: id,
    causationId: id,
  };
}
