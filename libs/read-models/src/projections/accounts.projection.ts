import type Database from 'better-sqlite3';
import { ACCOUNT_STREAM_PREFIX, evolveAccount, type Account, type AccountEvent } from '@app/accounts';
import type { RecordedEvent } from '@app/event-store';
import type { Projection } from './projection';

/** One row per account, for the administrators' list. Sign-in decisions read the account's stream, not this. */
export class AccountsProjection implements Projection {
  readonly name = 'accounts';
  readonly version = 1;
  private s!: Record<'get' | 'put', Database.Statement<unknown[]>>;

  prepare(db: Database.Database): void {
    this.s = {
      get: db.prepare('SELECT * FROM accounts WHERE id = ?'),
      put: db.prepare(
        `INSERT INTO accounts (id, username, name, email, language, role, department, commune, disabled, session_epoch, last_sign_in_at, position)
         VALUES (@id, @username, @name, @email, @language, @role, @department, @commune, @disabled, @sessionEpoch, @lastSignInAt, @position)
         ON CONFLICT (id) DO UPDATE SET username = excluded.username, name = excluded.name, email = excluded.email,
           language = excluded.language, role = excluded.role, department = excluded.department, commune = excluded.commune,
           disabled = excluded.disabled, session_epoch = excluded.session_epoch, last_sign_in_at = excluded.last_sign_in_at,
           position = excluded.position`,
      ),
    };
  }

  apply(recorded: RecordedEvent): void {
    if (!recorded.stream.startsWith(ACCOUNT_STREAM_PREFIX)) return;
    const id = recorded.stream.slice(ACCOUNT_STREAM_PREFIX.length);
    const row = this.s.get.get(id) as AccountRow | undefined;
    if (row && row.position >= Number(recorded.position)) return;
    const before = row ? fromRow(row) : null;
    const event = { type: recorded.type, data: recorded.data } as AccountEvent;
    const after = evolveAccount(before, event, String(recorded.metadata.occurredAt));
    if (!after) return;
    this.s.put.run({ ...after, disabled: after.disabled ? 1 : 0, position: Number(recorded.position) });
  }
}

export interface AccountRow {
  id: string;
  username: string;
  name: string;
  email: string | null;
  language: 'vi' | 'en';
  role: Account['role'];
  department: string | null;
  commune: string | null;
  disabled: number;
  session_epoch: number;
  last_sign_in_at: string | null;
  position: number;
}

export function fromRow(row: AccountRow): Account {
  return {
    id: row.id,
    username: row.username,
    name: row.name,
    email: row.email,
    language: row.language,
    role: row.role,
    department: row.department,
    commune: row.commune,
    disabled: row.disabled === 1,
    sessionEpoch: row.session_epoch,
    lastSignInAt: row.last_sign_in_at,
    identities: [],
  };
}

/** The accounts an administrator looks for: by role, department, or a part of the username or name. */
export function listAccounts(db: Database.Database, filters: { role?: string; department?: string; q?: string }): Account[] {
  const where = ['1 = 1'];
  const params: Record<string, unknown> = {};
  if (filters.role) {
    where.push('role = @role');
    params.role = filters.role;
  }
  if (filters.department) {
    where.push('department = @department');
    params.department = filters.department;
  }
  if (filters.q) {
    where.push('(instr(lower(username), lower(@q)) > 0 OR instr(lower(name), lower(@q)) > 0)');
    params.q = filters.q;
  }
  const rows = db.prepare(`SELECT * FROM accounts WHERE ${where.join(' AND ')} ORDER BY username LIMIT 1000`).all(params);
  return (rows as AccountRow[]).map(fromRow);
}

/** The accounts with this email (compared without case): single sign-on links by a verified email only when exactly one has it. */
export function accountsByEmail(db: Database.Database, email: string): Account[] {
  const rows = db.prepare('SELECT * FROM accounts WHERE lower(email) = lower(?) ORDER BY username').all(email);
  return (rows as AccountRow[]).map(fromRow);
}
