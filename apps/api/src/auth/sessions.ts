import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { AccountCommands, ApplicationError } from '@app/application';
import type { Account } from '@app/accounts';
import { AppConfig, CLOCK, parseDuration, type Clock } from '@app/common';
import { IdentityStore, PasswordHasher } from '@app/identity';
import type { Actor } from '@app/recommendations';

export const SESSION_COOKIE = 'fut_session';

/** Whether cookies carry `Secure`: over https, or when the service is configured to be reached over it. */
export function cookieSecure(req: { secure: boolean; app?: { locals?: Record<string, unknown> } }): boolean {
  return req.secure || req.app?.locals?.secureCookies === true;
}
/** A session's last use is written at most this often (each request would otherwise write). */
const TOUCH_EVERY_MS = 60_000;

/** Wrong username or password: one answer for both, so the answer does not tell which. */
export class BadCredentialsError extends ApplicationError {
  constructor() {
    super('AUTH.BAD_CREDENTIALS', 'invalid', 'the username or the password is wrong');
  }
}

/** Too many failed sign-ins for one username. */
export class LockedError extends ApplicationError {
  constructor(readonly retryAfterSeconds: number) {
    super('AUTH.LOCKED', 'conflict', `too many failed sign-ins: try again in ${retryAfterSeconds} s`);
  }
}

export interface ActiveSession {
  actor: Actor;
  account: Account;
  csrfToken: string;
}

export const actorOf = (account: Account): Actor => ({
  sub: account.id,
  name: account.name,
  role: account.role,
  ...(account.department ? { department: account.department } : {}),
  ...(account.commune ? { commune: account.commune } : {}),
});

@Injectable()
export class IdentityStoreProvider extends IdentityStore implements OnModuleDestroy {
  constructor(@Inject(AppConfig) config: AppConfig) {
    super(join(config.DATA_DIR, 'identity.sqlite'));
  }

  onModuleDestroy(): void {
    this.close();
  }
}

/**
 * Server-side sessions: a random secret in an HttpOnly cookie, its hash in the identity store.
 * A session ends after SESSION_IDLE without use, SESSION_MAX after sign-in, at sign-out, and at
 * once when the account is disabled, changes role or gets a new password (its epoch moved).
 */
@Injectable()
export class Sessions {
  private readonly idleMs: number;
  private readonly maxMs: number;
  private readonly lockMs: number;

  constructor(
    @Inject(AppConfig) private readonly config: AppConfig,
    private readonly identity: IdentityStoreProvider,
    private readonly hasher: PasswordHasher,
    private readonly accounts: AccountCommands,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    this.idleMs = parseDuration(config.SESSION_IDLE);
    this.maxMs = parseDuration(config.SESSION_MAX);
    this.lockMs = parseDuration(config.SIGN_IN_LOCK);
  }

  get maxAgeMs(): number {
    return this.maxMs;
  }

  /** Checks the password and opens a session: a new secret every time, so no session id is ever reused. */
  async signIn(username: string, password: string): Promise<{ secret: string; session: ActiveSession }> {
    const now = this.clock.now().getTime();
    const lockedUntil = this.identity.lockedUntil(username);
    if (lockedUntil > now) throw new LockedError(Math.ceil((lockedUntil - now) / 1000));
    // Read before the password is checked: a reset or a disable meanwhile ends the session it opens.
    const account = await this.accounts.byUsername(username);
    // An unknown username is checked against a decoy hash: both answers take as long.
    const ok = await this.hasher.verify(account ? this.identity.passwordHash(account.id) : null, password);
    const lockedMeanwhile = this.identity.lockedUntil(username);
    if (ok && lockedMeanwhile > this.clock.now().getTime()) {
      throw new LockedError(Math.ceil((lockedMeanwhile - this.clock.now().getTime()) / 1000));
    }
    if (!ok || !account || account.disabled) {
      const locked = this.identity.recordFailure(username, now, {
        limit: this.config.SIGN_IN_FAILURES,
        windowMs: this.lockMs,
        lockMs: this.lockMs,
      });
      if (locked > now) throw new LockedError(Math.ceil((locked - now) / 1000));
      throw new BadCredentialsError();
    }
    this.identity.clearFailures(username);
    return this.open(account, 'password');
  }

  /** Opens a session for an account already identified (by the identity provider). */
  async open(account: Account, method: 'password' | 'oidc'): Promise<{ secret: string; session: ActiveSession }> {
    const signedIn = await this.accounts.recordSignIn(account.id, method, actorOf(account));
    const csrfToken = randomBytes(24).toString('base64url');
    const nowMs = this.clock.now().getTime();
    const secret = this.identity.openSession({
      accountId: account.id,
      // The epoch the credentials were checked against: if it moved since, the session is dead on arrival.
      epoch: account.sessionEpoch,
      csrfToken,
      createdMs: nowMs,
      seenMs: nowMs,
    });
    return { secret, session: { actor: actorOf(signedIn), account: signedIn, csrfToken } };
  }

  /** The session behind a cookie's secret, or null when there is none or it has ended. */
  async resolve(secret: string): Promise<ActiveSession | null> {
    const stored = this.identity.session(secret);
    if (!stored) return null;
    const nowMs = this.clock.now().getTime();
    if (nowMs - stored.seenMs > this.idleMs || nowMs - stored.createdMs > this.maxMs) {
      this.identity.closeSession(secret);
      return null;
    }
    // The account is read from its stream, not a projection: a disable is seen on the very next request.
    const { account } = await this.accounts.load(stored.accountId);
    if (!account || account.disabled || account.sessionEpoch !== stored.epoch) {
      this.identity.closeSession(secret);
      return null;
    }
    if (nowMs - stored.seenMs > TOUCH_EVERY_MS) this.identity.touchSession(secret, nowMs);
    return { actor: actorOf(account), account, csrfToken: stored.csrfToken };
  }

  signOut(secret: string): void {
    this.identity.closeSession(secret);
  }
}
