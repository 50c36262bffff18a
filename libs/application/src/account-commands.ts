import { createHash, randomUUID } from 'node:crypto';
import {
  accountStream,
  checkPassword,
  decideAccount,
  evolveAccount,
  identityStream,
  usernameStream,
  AccountError,
  type Account,
  type AccountCommand,
  type AccountEvent,
  type Placement,
} from '@app/accounts';
import type { Clock } from '@app/common';
import {
  ConcurrencyError,
  EventStreamRepository,
  genesisHash,
  StreamNotFoundError,
  type EventStore,
  type RecordedEvent,
} from '@app/event-store';
import { CURRENT_SCHEMA_VERSION, type Actor } from '@app/recommendations';
import { ApplicationError } from './application.errors';
import { directContext } from './direct-context';

/** Where password hashes and sessions live, outside the log (the identity store). */
export interface CredentialsPort {
  passwordHash(accountId: string): string | null;
  setPasswordHash(accountId: string, hash: string, nowMs: number): void;
  closeSessionsOf(accountId: string): void;
}

export interface PasswordHashing {
  hash(password: string): Promise<string>;
  verify(stored: string | null, password: string): Promise<boolean>;
}

const MAX_CACHED_ACCOUNTS = 10_000;
/** A username claimed this long ago without its account being written was left by a crash. */
const ABANDONED_CLAIM_MS = 60_000;

export interface LoadedAccount {
  account: Account | null;
  revision: bigint | null;
  lastHash: string;
}

export interface NewAccount {
  username: string;
  name: string;
  email?: string | null;
  placement: Placement;
  password?: string;
}

/**
 * Accounts as streams of the log, the admin (or the setup) as actor. Each username is claimed by a
 * stream of its own, created once, so two accounts can never share one. Password hashes go to the
 * credentials store, never into an event.
 */
export class AccountCommands {
  private readonly repository: EventStreamRepository;
  private readonly folded = new Map<string, LoadedAccount>();

  constructor(
    private readonly store: EventStore,
    private readonly credentials: CredentialsPort,
    private readonly hashing: PasswordHashing,
    private readonly clock: Clock,
  ) {
    this.repository = new EventStreamRepository(store, CURRENT_SCHEMA_VERSION);
  }

  /**
   * The account as its stream says now. Recently read accounts are kept folded and only the events
   * appended since are read: a session's every request reads its account, whose stream grows by
   * one event per sign-in.
   */
  async load(accountId: string): Promise<LoadedAccount> {
    const stream = accountStream(accountId);
    const cached = this.folded.get(accountId);
    let events: RecordedEvent[];
    try {
      events = await this.store.readStream(stream, cached ? { fromRevision: (cached.revision as bigint) + 1n } : {});
    } catch (error) {
      if (!(error instanceof StreamNotFoundError)) throw error;
      return { account: null, revision: null, lastHash: genesisHash(stream) };
    }
    if (events.length === 0 && cached) return cached;
    let account = cached?.account ?? null;
    for (const event of events) {
      account = evolveAccount(account, { type: event.type, data: event.data } as AccountEvent, String(event.metadata.occurredAt));
    }
    const last = events[events.length - 1];
    const loaded = { account, revision: last.revision, lastHash: String(last.metadata.hash) };
    this.folded.delete(accountId);
    this.folded.set(accountId, loaded);
    if (this.folded.size > MAX_CACHED_ACCOUNTS) this.folded.delete(this.folded.keys().next().value as string);
    return loaded;
  }

  /** The account holding `username` now, or null. */
  async byUsername(username: string): Promise<Account | null> {
    const claimed = await this.claimOf(usernameStream(username));
    return claimed ? (await this.load(claimed.accountId)).account : null;
  }

  /** The account linked to an identity provider's subject, or null. */
  async byIdentity(issuer: string, subject: string): Promise<Account | null> {
    const claimed = await this.claimOf(identityStream(identityKey(issuer, subject)));
    return claimed ? (await this.load(claimed.accountId)).account : null;
  }

  /**
   * Links an identity provider's subject to an account (the first single sign-on by a verified
   * email): the identity is claimed by a stream of its own, so it can never sign in as two accounts.
   */
  async linkIdentity(accountId: string, issuer: string, subject: string, actor: Actor): Promise<Account> {
    const key = identityKey(issuer, subject);
    await this.claimStream(
      identityStream(key),
      { issuer, subject, accountId },
      accountId,
      actor,
      () => new ApplicationError('AUTH.IDENTITY_TAKEN', 'conflict', 'this identity is linked to another account'),
    );
    return this.run(accountId, { type: 'LinkIdentity', issuer, subject }, actor);
  }

  async create(input: NewAccount, actor: Actor): Promise<Account> {
    if (input.password !== undefined) checkPassword(input.password);
    const accountId = randomUUID();
    // Decided first, so a bad username or placement claims nothing.
    const events = decideAccount(null, {
      type: 'CreateAccount',
      accountId,
      username: input.username,
      name: input.name,
      email: input.email ?? null,
      placement: input.placement,
    });
    // Hashed before the username is claimed: claim and account follow each other at once.
    const hash = input.password !== undefined ? await this.hashing.hash(input.password) : null;
    await this.claim(input.username.trim(), accountId, actor);
    await this.append(
      accountId,
      { account: null, revision: null, lastHash: (await this.load(accountId)).lastHash },
      events,
      actor,
    );
    if (hash !== null) this.credentials.setPasswordHash(accountId, hash, this.clock.now().getTime());
    return (await this.load(accountId)).account as Account;
  }

  changeRole(accountId: string, placement: Placement, actor: Actor): Promise<Account> {
    return this.run(accountId, { type: 'ChangeRole', placement }, actor);
  }

  disable(accountId: string, actor: Actor): Promise<Account> {
    return this.run(accountId, { type: 'DisableAccount' }, actor);
  }

  enable(accountId: string, actor: Actor): Promise<Account> {
    return this.run(accountId, { type: 'EnableAccount' }, actor);
  }

  async setPassword(accountId: string, password: string, actor: Actor): Promise<Account> {
    checkPassword(password);
    const hash = await this.hashing.hash(password);
    // The change is recorded (ending the sessions) before the new password works, retried like any command.
    const account = await this.run(accountId, { type: 'ChangePassword' }, actor);
    this.credentials.setPasswordHash(accountId, hash, this.clock.now().getTime());
    return account;
  }

  recordSignIn(accountId: string, method: 'password' | 'oidc', actor: Actor): Promise<Account> {
    return this.run(accountId, { type: 'RecordSignIn', method }, actor);
  }

  private async run(accountId: string, command: AccountCommand, actor: Actor): Promise<Account> {
    for (let attempt = 0; ; attempt++) {
      const loaded = await this.load(accountId);
      const events = decideAccount(loaded.account, command);
      try {
        return await this.finish(accountId, loaded, events, actor);
      } catch (error) {
        if (!(error instanceof ConcurrencyError) || attempt >= 3) throw error;
      }
    }
  }

  private async finish(accountId: string, loaded: LoadedAccount, events: AccountEvent[], actor: Actor): Promise<Account> {
    await this.append(accountId, loaded, events, actor);
    const after = (await this.load(accountId)).account as Account;
    // The sessions end at once: the epoch check refuses them anyway, this frees their rows.
    if (loaded.account && after.sessionEpoch !== loaded.account.sessionEpoch) this.credentials.closeSessionsOf(accountId);
    return after;
  }

  private async append(accountId: string, loaded: LoadedAccount, events: AccountEvent[], actor: Actor): Promise<void> {
    await this.repository.append(accountStream(accountId), loaded, events, directContext(actor, this.clock));
  }

  private async claimOf(
    stream: string,
  ): Promise<{ accountId: string; revision: bigint; lastHash: string; claimedAt: number } | null> {
    try {
      const loaded = await this.repository.load(stream);
      const last = loaded.events[loaded.events.length - 1];
      if (!last || loaded.revision === null) return null;
      const claimedAt = Date.parse(String(last.metadata.occurredAt));
      return { accountId: String(last.data.accountId), revision: loaded.revision, lastHash: loaded.lastHash, claimedAt };
    } catch (error) {
      if (error instanceof StreamNotFoundError) return null;
      throw error;
    }
  }

  /**
   * Claims `username` for `accountId`. A claim left by a creation that stopped before its account
   * was written (a crash) is taken over; a claim of a real account is refused.
   */
  private claim(username: string, accountId: string, actor: Actor): Promise<void> {
    return this.claimStream(
      usernameStream(username),
      { username: username.toLowerCase(), accountId },
      accountId,
      actor,
      () => new ApplicationError('ACCOUNT.USERNAME_TAKEN', 'conflict', `the username ${username} is taken`),
      'UsernameClaimed',
    );
  }

  private async claimStream(
    stream: string,
    data: Record<string, string>,
    accountId: string,
    actor: Actor,
    taken: () => ApplicationError,
    type = 'IdentityClaimed',
  ): Promise<void> {
    const existing = await this.claimOf(stream);
    if (existing?.accountId === accountId) return;
    // A claim without its account is taken over only once it is old enough to be a creation that
    // stopped (a crash), not one still on its way.
    const abandoned = existing !== null && this.clock.now().getTime() - existing.claimedAt > ABANDONED_CLAIM_MS;
    if (existing && (!abandoned || (await this.load(existing.accountId)).account)) throw taken();
    try {
      await this.repository.append(
        stream,
        existing
          ? { revision: existing.revision, lastHash: existing.lastHash }
          : { revision: null, lastHash: (await this.repository.load(stream)).lastHash },
        [{ type, data }],
        directContext(actor, this.clock),
      );
    } catch (error) {
      if (error instanceof ConcurrencyError) throw taken();
      throw error;
    }
  }
}

export { AccountError };

/** A stream name for an identity: issuer and subject may hold any character, a hash holds none that matter. */
export function identityKey(issuer: string, subject: string): string {
  return createHash('sha256').update(`${issuer}\n${subject}`).digest('hex').slice(0, 40);
}
