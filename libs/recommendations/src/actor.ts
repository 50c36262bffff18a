/** Roles a user's token may carry. */
export type UserRole = 'secretariat' | 'committee' | 'department' | 'commune' | 'auditor';

/** `system` is the service itself (reminders, escalations); no token can claim it. */
export type Role = UserRole | 'system';

export const USER_ROLES: readonly UserRole[] = ['secretariat', 'committee', 'department', 'commune', 'auditor'];

/** Who issues a command, from the verified token's claims. */
export interface Actor {
  sub: string;
  name: string;
  role: Role;
  department?: string;
  commune?: string;
}
