import { ForbiddenException, Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { randomBytes, randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import {
  AccountCommands,
  RecommendationCommands,
  seedDemoProvince,
  ServiceSetup,
  SETUP_ACTOR,
  WorkingSessions,
} from '@app/application';
import { checkPassword, decideAccount, type Account, type Placement } from '@app/accounts';
import { AppConfig, CLOCK, Directory, LOGGER, type Clock } from '@app/common';
import { EVENT_STORE, type EventStore } from '@app/event-store';

import { IdentityStoreProvider } from '../auth/sessions';

export interface FirstAdministrator {
  token: string;
  username: string;
  name: string;
  password: string;
  demo?: boolean;
}

/** One demo account per role, for trying the demo province: each password shown once, at setup. */
const DEMO_ACCOUNTS: Array<{ username: string; name: string; placement: Placement }> = [
  {
    username: 'demo.vanphong',
    name: 'Nguyễn Thị Lan (Văn phòng)',
    placement: { role: 'secretariat', department: null, commune: null },
  },
  {
    username: 'demo.thuongtruc',
    name: 'Hoàng Văn Minh (Thường trực)',
    placement: { role: 'committee', department: null, commune: null },
  },
  {
    username: 'demo.sonoivu',
    name: 'Trần Văn Hùng (Sở Nội vụ)',
    placement: { role: 'department', department: 'home-affairs', commune: null },
  },
  {
    username: 'demo.tamthanh',
    name: 'Lý Thị Mai (Phường Tam Thanh)',
    placement: { role: 'commune', department: null, commune: 'tam-thanh' },
  },
  { username: 'demo.thanhtra', name: 'Vi Văn Đức (Thanh tra)', placement: { role: 'auditor', department: null, commune: null } },
];

/**
 * First start: while nobody has set the service up, the start log prints a one-time link; its
 * token lets `POST /auth/setup` create the first administrator, optionally with the demo province
 * and one demo account per role.
 */
@Injectable()
export class FirstStart implements OnApplicationBootstrap {
  private readonly setup: ServiceSetup;

  constructor(
    @Inject(EVENT_STORE) store: EventStore,
    @Inject(AppConfig) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly identity: IdentityStoreProvider,
    private readonly accounts: AccountCommands,
    private readonly commands: RecommendationCommands,
    private readonly directory: Directory,
    private readonly sessions: WorkingSessions,
  ) {
    this.setup = new ServiceSetup(store, clock);
  }

  async onApplicationBootstrap(): Promise<void> {
    if (await this.setup.complete((username) => this.accounts.byUsername(username))) return;
    const token = this.identity.issueSetupToken(this.clock.now().getTime());
    const base = this.config.PUBLIC_URL ?? `http://localhost:${this.config.PORT}`;
    // The token is after '#': a browser never sends it to a server, so no access log keeps it.
    this.logger.warn(
      { setup: true },
      `first start: no administrator yet. Open ${base}/app/setup#token=${token} to create one ` +
        `(or POST /auth/setup with this token, or run: npm run cli -- create-user --role admin)`,
    );
  }

  async complete(
    input: FirstAdministrator,
  ): Promise<{ account: Account; demoAccounts: Array<{ username: string; role: string; password: string }> }> {
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
    await this.setup.markSetUp(input.username, { demo: input.demo === true, by: 'setup link' }, (username) =>
      this.accounts.byUsername(username),
    );
    this.identity.consumeSetupToken(input.token);
    const account = await this.accounts.create(
      { username: input.username, name: input.name, placement, password: input.password },
      SETUP_ACTOR,
    );
    const demoAccounts: Array<{ username: string; role: string; password: string }> = [];
    if (input.demo) {
      await seedDemoProvince(this.commands, this.directory, {
        count: 52,
        now: this.clock.now().getTime(),
        sessions: this.sessions,
      });
      for (const demo of DEMO_ACCOUNTS) {
        const password = randomBytes(12).toString('base64url');
        await this.accounts.create({ ...demo, password }, { sub: account.id, name: account.name, role: 'admin' });
        demoAccounts.push({ username: demo.username, role: demo.placement.role, password });
      }
    }
    return { account, demoAccounts };
  }
}
