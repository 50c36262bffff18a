import type { UserRole } from '@app/recommendations';

/** Roles an account may hold: the users' roles and `admin` (accounts and the directory, nothing else). */
export type AccountRole = UserRole | 'admin';
export const ACCOUNT_ROLES: readonly AccountRole[] = ['secretariat', 'committee', 'department', 'commune', 'auditor', 'admin'];

export const ACCOUNT_STREAM_PREFIX = 'account-';
export const accountStream = (id: string) => `${ACCOUNT_STREAM_PREFIX}${id}`;
/** One stream per username (lower case), created once: two accounts can never share a name. */
export const usernameStream = (username: string) => `username-${username.toLowerCase()}`;
/** One stream per identity of a single sign-on provider (issuer and subject), claimed by one account. */
export const identityStream = (key: string) => `identity-${key}`;

export interface Placement {
  role: AccountRole;
  department: string | null;
  commune: string | null;
}

export type AccountEvent =
  | {
      type: 'AccountCreated';
      data: { accountId: string; username: string; name: string; email: string | null; language: 'vi' | 'en' } & Placement;
    }
  | { type: 'AccountRoleChanged'; data: Placement }
  | { type: 'AccountDisabled'; data: Record<string, never> }
  | { type: 'AccountEnabled'; data: Record<string, never> }
  /** The password changed; the hash itself is never in the log. */
  | { type: 'AccountPasswordChanged'; data: Record<string, never> }
  | { type: 'AccountSignedIn'; data: { method: 'password' | 'oidc' } }
  /** The account is the one an identity provider's subject signs in as. */
  | { type: 'AccountIdentityLinked'; data: { issuer: string; subject: string } };

export type AccountCommand =
  | { type: 'CreateAccount'; accountId: string; username: string; name: string; email: string | null; placement: Placement }
  | { type: 'ChangeRole'; placement: Placement }
  | { type: 'DisableAccount' }
  | { type: 'EnableAccount' }
  | { type: 'ChangePassword' }
  | { type: 'RecordSignIn'; method: 'password' | 'oidc' }
  | { type: 'LinkIdentity'; issuer: string; subject: string };

export interface Account extends Placement {
  id: string;
  username: string;
  name: string;
  email: string | null;
  language: 'vi' | 'en';
  disabled: boolean;
  /** Moves when a change must end the account's sessions at once (role, disable, password). */
  sessionEpoch: number;
  lastSignInAt: string | null;
  /** Identities of single sign-on providers linked to the account. */
  identities: Array<{ issuer: string; subject: string }>;
}

export class AccountError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly kind: 'invalid' | 'conflict' | 'not_found' = 'invalid',
  ) {
    super(message);
  }
}

/** A role's place: a department officer has a department, a commune user a commune, no one else either. */
export function checkPlacement(p: Placement): Placement {
  if (!ACCOUNT_ROLES.includes(p.role)) throw new AccountError('ACCOUNT.ROLE', `unknown role ${String(p.role)}`);
  if (p.role === 'department' && !p.department)
    throw new AccountError('ACCOUNT.DEPARTMENT_REQUIRED', 'a department officer needs a department');
  if (p.role === 'commune' && !p.commune) throw new AccountError('ACCOUNT.COMMUNE_REQUIRED', 'a commune account needs a commune');
  return {
    role: p.role,
    department: p.role === 'department' ? p.department : null,
    commune: p.role === 'commune' ? p.commune : null,
  };
}

export function evolveAccount(state: Account | null, event: AccountEvent, occurredAt: string): Account | null {
  if (event.type === 'AccountCreated') {
    const d = event.data;
    return {
      id: d.accountId,
      username: d.username,
      name: d.name,
      email: d.email,
      language: d.language,
      role: d.role,
      department: d.department,
      commune: d.commune,
      disabled: false,
      sessionEpoch: 0,
      lastSignInAt: null,
      identities: [],
    };
  }
  if (!state) return null;
  switch (event.type) {
    case 'AccountRoleChanged':
      return { ...state, ...event.data, sessionEpoch: state.sessionEpoch + 1 };
    case 'AccountDisabled':
      return { ...state, disabled: true, sessionEpoch: state.sessionEpoch + 1 };
    case 'AccountEnabled':
      return { ...state, disabled: false };
    case 'AccountPasswordChanged':
      return { ...state, sessionEpoch: state.sessionEpoch + 1 };
    case 'AccountSignedIn':
      return { ...state, lastSignInAt: occurredAt };
    case 'AccountIdentityLinked':
      return { ...state, identities: [...state.identities, event.data] };
    default: {
      const unhandled: never = event;
      return unhandled;
    }
  }
}

/** The events a command makes of an account, or the rule it breaks. */
export function decideAccount(state: Account | null, command: AccountCommand): AccountEvent[] {
  if (command.type === 'CreateAccount') {
    if (state) throw new AccountError('ACCOUNT.EXISTS', 'the account exists already', 'conflict');
    const username = command.username.trim();
    if (!/^[a-z0-9][a-z0-9._-]{2,63}$/i.test(username)) {
      throw new AccountError('ACCOUNT.USERNAME', 'a username is 3 to 64 letters, digits, dots, dashes or underscores');
    }
    return [
      {
        type: 'AccountCreated',
        data: {
          accountId: command.accountId,
          username,
          name: command.name,
          email: command.email,
          language: 'vi',
          ...checkPlacement(command.placement),
        },
      },
    ];
  }
  if (!state) throw new AccountError('ACCOUNT.NOT_FOUND', 'no such account', 'not_found');
  switch (command.type) {
    case 'ChangeRole':
      return [{ type: 'AccountRoleChanged', data: checkPlacement(command.placement) }];
    case 'DisableAccount':
      if (state.disabled) throw new AccountError('ACCOUNT.DISABLED_ALREADY', 'the account is disabled already', 'conflict');
      return [{ type: 'AccountDisabled', data: {} }];
    case 'EnableAccount':
      if (!state.disabled) throw new AccountError('ACCOUNT.ENABLED_ALREADY', 'the account is enabled already', 'conflict');
      return [{ type: 'AccountEnabled', data: {} }];
    case 'ChangePassword':
      return [{ type: 'AccountPasswordChanged', data: {} }];
    case 'RecordSignIn':
      if (state.disabled) throw new AccountError('ACCOUNT.DISABLED', 'the account is disabled', 'conflict');
      return [{ type: 'AccountSignedIn', data: { method: command.method } }];
    case 'LinkIdentity':
      if (state.identities.some((i) => i.issuer === command.issuer && i.subject === command.subject)) return [];
      return [{ type: 'AccountIdentityLinked', data: { issuer: command.issuer, subject: command.subject } }];
    default: {
      const unhandled: never = command;
      return unhandled;
    }
  }
}

/** Passwords: 12 characters at least (and a sane upper bound, since hashing costs). */
export function checkPassword(password: string): void {
  if ([...password].length < 12) throw new AccountError('ACCOUNT.PASSWORD_TOO_SHORT', 'a password has 12 characters at least');
  if (password.length > 256) throw new AccountError('ACCOUNT.PASSWORD_TOO_LONG', 'a password has 256 characters at most');
}
