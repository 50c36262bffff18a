/** Roles a user's token may carry. */
export type UserRole = 'secretariat' | 'committee' | 'department' | 'commune' | 'auditor';

/**
 * `system` is the service itself (reminders, escalations); no token can claim it. `admin` manages
 * accounts and the directory, signs in with a session, and reads or decides nothing about items.
 */
export type Role = UserRole | 'admin' | 'system';

export const USER_ROLES: readonly UserRole[] = ['secretariat', 'committee', 'department', 'commune', 'auditor'];

/** Who issues a command, from the verified token's claims. */
export interface Actor {
  sub: string;
  name: string;
  role: Role;
  department?: string;
  commune?: string;
}
