import { randomUUID } from 'node:crypto';
import type { Clock } from '@app/common';
import { ConcurrencyError, EventStreamRepository, type EventStore } from '@app/event-store';
import { CURRENT_SCHEMA_VERSION } from '@app/recommendations';
import { ApplicationError } from './application.errors';

/** Created once, with the first administrator: its existence means the service has been set up. */
export const SETUP_STREAM = 'setup';

/**
 * The first start, once: `markSetUp` appends the `setup` stream's only event, so a second attempt
 * fails even with a valid setup token (two browsers racing, a replay, the CLI meanwhile).
 */
export class ServiceSetup {
  private readonly repository: EventStreamRepository;

  constructor(
    store: EventStore,
    private readonly clock: Clock,
  ) {
    this.repository = new EventStreamRepository(store, CURRENT_SCHEMA_VERSION);
  }

  async done(): Promise<boolean> {
    return (await this.repository.load(SETUP_STREAM)).revision !== null;
  }

  /** Marks the service set up by `administrator`; 409 SETUP.DONE when it was already. */
  async markSetUp(administrator: string, how: { demo: boolean; by: 'setup link' | 'command line' }): Promise<void> {
    const id = randomUUID();
    try {
      await this.repository.append(
        SETUP_STREAM,
        { revision: null, lastHash: (await this.repository.load(SETUP_STREAM)).lastHash },
        [{ type: 'ServiceSetUp', data: { administrator, demo: how.demo, by: how.by } }],
        {
          actor: { sub: 'setup', name: 'first start', role: 'system' },
          occurredAt: this.clock.now().toISOString(),
          correlationId: id,
          causationId: id,
        },
      );
    } catch (error) {
      if (error instanceof ConcurrencyError)
        throw new ApplicationError('SETUP.DONE', 'conflict', 'the service is set up already');
      throw error;
    }
  }
}
