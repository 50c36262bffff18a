import type { Clock } from '@app/common';
import { ConcurrencyError, EventStreamRepository, type EventStore } from '@app/event-store';
import { CURRENT_SCHEMA_VERSION, type Actor } from '@app/recommendations';
import { directContext } from './direct-context';
import { ApplicationError } from './application.errors';

/** Who writes the setup's event. */
export const SETUP_ACTOR: Actor = { sub: 'setup', name: 'first start', role: 'system' };

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

  /**
   * Whether the setup finished: marked, and its administrator's account written. A setup that
   * stopped in between (a crash, a failing store) is not done: the link is offered again.
   */
  async complete(accountOf: (username: string) => Promise<unknown>): Promise<boolean> {
    const loaded = await this.repository.load(SETUP_STREAM);
    const last = loaded.events[loaded.events.length - 1];
    if (!last) return false;
    return (await accountOf(String(last.data.administrator))) !== null;
  }

  /**
   * Marks the service set up by `administrator`; 409 SETUP.DONE when it was already. A setup
   * that stopped before its administrator existed (`complete` is false) may be marked again.
   */
  async markSetUp(
    administrator: string,
    how: { demo: boolean; by: 'setup link' | 'command line' },
    accountOf?: (username: string) => Promise<unknown>,
  ): Promise<void> {
    const loaded = await this.repository.load(SETUP_STREAM);
    if (loaded.revision !== null && (!accountOf || (await this.complete(accountOf)))) {
      throw new ApplicationError('SETUP.DONE', 'conflict', 'the service is set up already');
    }
    try {
      await this.repository.append(
        SETUP_STREAM,
        { revision: loaded.revision, lastHash: loaded.lastHash },
        [{ type: 'ServiceSetUp', data: { administrator, demo: how.demo, by: how.by } }],
        directContext(SETUP_ACTOR, this.clock),
      );
    } catch (error) {
      if (error instanceof ConcurrencyError)
        throw new ApplicationError('SETUP.DONE', 'conflict', 'the service is set up already');
      throw error;
    }
  }
}
