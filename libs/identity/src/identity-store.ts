import Database from 'better-sqlite3';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

/** A session as the server keeps it: the cookie holds a random secret, the store only its hash. */
export interface StoredSession {
  accountId: string;
  /** The account's session epoch when the session began: a role change, disabling or a new password moves it. */
  epoch: number;
  csrfToken: string;
  createdMs: number;
  seenMs: number;
}

const hashOf = (secret: string) => createHash('sha256').update(secret).digest('base64url');
export const newSecret = () => randomBytes(32).toString('base64url');

/**
 * What sign-in needs outside the event log, in its own SQLite file: password hashes (never in the
 * log, an export or a line of the log), sessions, failed sign-ins per username, and the one-time
 * setup token. Losing it loses sessions and passwords, not history: accounts themselves are events.
 */
export class IdentityStore {
  private readonly db: Database.Database;
  /** Password hashes are written through a connection that syncs every commit; sessions need not. */
  private readonly durable: Database.Database;

  constructor(file: string) {
    mkdirSync(dirname(file), { recursive: true });
    this.db = new Database(file, { timeout: 5000 });
    this.db.pragma('journal_mode = WAL');
    // A session or a failure count lost with the machine's power is signed in again; not worth a
    // disk flush on every sign-in (they are made on the event loop).
    this.db.pragma('synchronous = NORMAL');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS credentials (account_id TEXT PRIMARY KEY, hash TEXT NOT NULL, changed_ms INTEGER NOT NULL);
      CREATE TABLE IF NOT EXISTS sessions (
        secret_hash TEXT PRIMARY KEY, account_id TEXT NOT NULL, epoch INTEGER NOT NULL, csrf_token TEXT NOT NULL,
        created_ms INTEGER NOT NULL, seen_ms INTEGER NOT NULL
      );
      CREATE INDEX IF NOT EXISTS sessions_account ON sessions (account_id);
      CREATE TABLE IF NOT EXISTS sign_in_failures (
        username TEXT PRIMARY KEY, failures INTEGER NOT NULL, first_ms INTEGER NOT NULL, locked_until_ms INTEGER NOT NULL
      );
      CREATE TABLE IF NOT EXISTS setup_tokens (token_hash TEXT PRIMARY KEY, created_ms INTEGER NOT NULL);
    `);
    this.durable = new Database(file, { timeout: 5000 });
    this.durable.pragma('synchronous = FULL');
  }

  close(): void {
    this.durable.close();
    this.db.close();
  }

  passwordHash(accountId: string): string | null {
    const row = this.db.prepare('SELECT hash FROM credentials WHERE account_id = ?').get(accountId) as
      { hash: string } | undefined;
    return row?.hash ?? null;
  }

  setPasswordHash(accountId: string, hash: string, nowMs: number): void {
    this.durable
      .prepare(
        'INSERT INTO credentials (account_id, hash, changed_ms) VALUES (?, ?, ?) ON CONFLICT (account_id) DO UPDATE SET hash = excluded.hash, changed_ms = excluded.changed_ms',
      )
      .run(accountId, hash, nowMs);
  }

  /** A new session; returns the secret for the cookie (the store keeps its hash only). */
  openSession(session: StoredSession): string {
    const secret = newSecret();
    this.db
      .prepare('INSERT INTO sessions (secret_hash, account_id, epoch, csrf_token, created_ms, seen_ms) VALUES (?, ?, ?, ?, ?, ?)')
      .run(hashOf(secret), session.accountId, session.epoch, session.csrfToken, session.createdMs, session.seenMs);
    return secret;
  }

  session(secret: string): StoredSession | null {
    const row = this.db
      .prepare('SELECT account_id, epoch, csrf_token, created_ms, seen_ms FROM sessions WHERE secret_hash = ?')
      .get(hashOf(secret)) as
      { account_id: string; epoch: number; csrf_token: string; created_ms: number; seen_ms: number } | undefined;
    if (!row) return null;
    return {
      accountId: row.account_id,
      epoch: row.epoch,
      csrfToken: row.csrf_token,
      createdMs: row.created_ms,
      seenMs: row.seen_ms,
    };
  }

  touchSession(secret: string, nowMs: number): void {
    this.db.prepare('UPDATE sessions SET seen_ms = ? WHERE secret_hash = ?').run(nowMs, hashOf(secret));
  }

  closeSession(secret: string): void {
    this.db.prepare('DELETE FROM sessions WHERE secret_hash = ?').run(hashOf(secret));
  }

  closeSessionsOf(accountId: string): void {
    this.db.prepare('DELETE FROM sessions WHERE account_id = ?').run(accountId);
  }

  /** Until when sign-in for `username` is refused (0 when it is not). */
  lockedUntil(username: string): number {
    const row = this.db.prepare('SELECT locked_until_ms FROM sign_in_failures WHERE username = ?').get(username.toLowerCase()) as
      { locked_until_ms: number } | undefined;
    return row?.locked_until_ms ?? 0;
  }

  /**
   * Counts a failed sign-in; after `limit` failures within `windowMs` the username is locked for
   * `lockMs`. Returns until when it is locked (0 when it is not).
   */
  recordFailure(username: string, nowMs: number, policy: { limit: number; windowMs: number; lockMs: number }): number {
    const key = username.toLowerCase();
    return this.db.transaction(() => {
      const row = this.db
        .prepare('SELECT failures, first_ms, locked_until_ms FROM sign_in_failures WHERE username = ?')
        .get(key) as { failures: number; first_ms: number; locked_until_ms: number } | undefined;
      // A lock only ever grows: a guess already in flight when it was set must not lift it.
      if (row && row.locked_until_ms > nowMs) return row.locked_until_ms;
      const fresh = !row || nowMs - row.first_ms > policy.windowMs;
      const failures = fresh ? 1 : row.failures + 1;
      const first = fresh ? nowMs : row.first_ms;
      const locked = failures >= policy.limit ? nowMs + policy.lockMs : 0;
      this.db
        .prepare(
          'INSERT INTO sign_in_failures (username, failures, first_ms, locked_until_ms) VALUES (?, ?, ?, ?) ON CONFLICT (username) DO UPDATE SET failures = excluded.failures, first_ms = excluded.first_ms, locked_until_ms = excluded.locked_until_ms',
        )
        .run(key, locked ? 0 : failures, locked ? nowMs : first, locked);
      return locked;
    })();
  }

  clearFailures(username: string): void {
    this.db.prepare('DELETE FROM sign_in_failures WHERE username = ?').run(username.toLowerCase());
  }

  /** A new one-time setup token (the previous ones stop working). */
  issueSetupToken(nowMs: number): string {
    const token = newSecret();
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM setup_tokens').run();
      this.db.prepare('INSERT INTO setup_tokens (token_hash, created_ms) VALUES (?, ?)').run(hashOf(token), nowMs);
    })();
    return token;
  }

  /** Whether `token` is the setup token last issued and not used yet. */
  setupTokenValid(token: string): boolean {
    return this.db.prepare('SELECT 1 FROM setup_tokens WHERE token_hash = ?').get(hashOf(token)) !== undefined;
  }

  /** Uses the setup token up: true only once, for the token last issued. */
  consumeSetupToken(token: string): boolean {
    return this.db.prepare('DELETE FROM setup_tokens WHERE token_hash = ?').run(hashOf(token)).changes === 1;
  }
}
