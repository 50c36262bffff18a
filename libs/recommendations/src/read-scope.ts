import type { Actor } from './actor';

/**
 * Which items a caller may read — the one definition of it. A single item's read checks it with
 * {@link scopeAdmits}; the list and report queries turn the same value into SQL, with a `never`
 * check, so a new kind of scope cannot be added to one and forgotten in the other.
 */
export type ReadScope =
  | { kind: 'everything' }
  /** Items the department holds now or held before. */
  | { kind: 'held-by-department'; department: string }
  /** Items the commune raised. */
  | { kind: 'raised-by-commune'; commune: string }
  | { kind: 'nothing' };

export function readScopeOf(actor: Actor): ReadScope {
  switch (actor.role) {
    case 'department':
      return actor.department ? { kind: 'held-by-department', department: actor.department } : { kind: 'nothing' };
    case 'commune':
      return actor.commune ? { kind: 'raised-by-commune', commune: actor.commune } : { kind: 'nothing' };
    case 'secretariat':
    case 'committee':
    case 'auditor':
    case 'system':
      return { kind: 'everything' };
    case 'admin':
      return { kind: 'nothing' };
    default: {
      const unknownRole: never = actor.role;
      throw new Error(`no read scope for role ${String(unknownRole)}`);
    }
  }
}

/** What of an item the scope looks at. */
export interface ScopedItem {
  commune: string;
  departmentsHeld: readonly string[];
}

export function scopeAdmits(scope: ReadScope, item: ScopedItem): boolean {
  switch (scope.kind) {
    case 'everything':
      return true;
    case 'held-by-department':
      return item.departmentsHeld.includes(scope.department);
    case 'raised-by-commune':
      return item.commune === scope.commune;
    case 'nothing':
      return false;
    default: {
      const unknownScope: never = scope;
      throw new Error(`unknown read scope ${JSON.stringify(unknownScope)}`);
    }
  }
}
