import { ForbiddenException, Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { AccountCommands, ApplicationError } from '@app/application';
import { checkPassword, decideAccount, type Account } from '@app/accounts';
import { AppConfig, CLOCK, LOGGER, type Clock } from '@app/common';
import type { Logger } from 'pino';
import { ConcurrencyError, EVENT_STORE, EventStreamRepository, type EventStore } from '@app/event-store';
import { CURRENT_SCHEMA_VERSION, type Actor } from '@app/recommendations';
import { IdentityStoreProvider } from '../auth/sessions';

/** Created once, with the first administrator: its existence means the service has been set up. */
export const SETUP_STREAM = 'setup';
const SETUP_ACTOR: Actor = { sub: 'setup', name: 'first start', role: 'system' };

export interface FirstAdministrator {
  token: string;
  username: string;
  name: string;
  password: string;
}

/**
 * First start: while nobody has set the service up, the start log prints a one-time link; its
 * token lets `POST /auth/setup` create the first administrator. The `setup` stream, created once,
 * makes the second attempt fail even with a valid token (two browsers racing, or a replay).
 */
@Injectable()
export class FirstStart implements OnApplicationBootstrap {
  private readonly repository: EventStreamRepository;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(AppConfig) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly identity: IdentityStoreProvider,
    private readonly accounts: AccountCommands,
  ) {
    this.repository = new EventStreamRepository(store, CURRENT_SCHEMA_VERSION);
  }

  async done(): Promise<boolean> {
    return (await this.repository.load(SETUP_STREAM)).revision !== null;
  }

  async onApplicationBootstrap(): Promise<void> {
    if (await this.done()) return;
    const token = this.identity.issueSetupToken(this.clock.now().getTime());
    const base = this.config.PUBLIC_URL ?? `http://localhost:${this.config.PORT}`;
    // The token is after '#': a browser never sends it to a server, so no access log keeps it.
    this.logger.warn(
      { setup: true },
      `first start: no administrator yet. Open ${base}/app/setup#token=${token} to create one ` +
        `(or POST /auth/setup with this token, or run: npm run cli -- create-user)`,
    );
  }

  async complete(input: FirstAdministrator & { demo?: boolean }): Promise<Account> {
    if (!this.identity.setupTokenValid(input.token)) {
      throw new ForbiddenException({
        code: 'AUTH.SETUP_TOKEN',
        message: 'this setup link is not valid (used, replaced, or mistyped)',
      });
    }
    const placement = { role: 'admin' as const, department: null, commune: null };
    // Everything that could refuse the account is checked before the setup is marked done.
    checkPassword(input.password);
    decideAccount(null, {
      type: 'CreateAccount',
      accountId: randomUUID(),
      username: input.username,
      name: input.name,
      email: null,
      placement,
    });
    const id = randomUUID();
    try {
      await this.repository.append(
        SETUP_STREAM,
        { revision: null, lastHash: (await this.repository.load(SETUP_STREAM)).lastHash },
        [{ type: 'ServiceSetUp', data: { administrator: input.username, demo: input.demo === true } }],
        { actor: { ...SETUP_ACTOR }, occurredAt: this.clock.now().toISOString(), correlationId: id, causationId: id },
      );
    } catch (error) {
      if (error instanceof ConcurrencyError)
        throw new ApplicationError('SETUP.DONE', 'conflict', 'the service is set up already');
      throw error;
    }
    this.identity.consumeSetupToken(input.token);
    return this.accounts.create({ username: input.username, name: input.name, placement, password: input.password }, SETUP_ACTOR);
  }
}
