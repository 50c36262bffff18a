/**
 * Errors of the domain. Each carries a stable code that clients may rely on, and a kind the HTTP
 * layer maps to a status in one place.
 */
export type DomainErrorKind = 'invalid' | 'forbidden' | 'not_found' | 'conflict';

export class DomainError extends Error {
  constructor(
    readonly code: string,
    readonly kind: DomainErrorKind,
    message: string,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const ErrorCodes = {
  invalidTransition: 'RECOMMENDATION.INVALID_TRANSITION',
  notFound: 'RECOMMENDATION.NOT_FOUND',
  alreadyExists: 'RECOMMENDATION.ALREADY_EXISTS',
  roleNotAllowed: 'AUTH.ROLE_NOT_ALLOWED',
  notAssignedToCaller: 'RECOMMENDATION.NOT_ASSIGNED_TO_CALLER',
  otherCommune: 'RECOMMENDATION.OTHER_COMMUNE',
  dueDateNotInFuture: 'RECOMMENDATION.DUE_DATE_NOT_IN_FUTURE',
  dueDateNotLater: 'RECOMMENDATION.DUE_DATE_NOT_LATER',
  alreadyAcknowledged: 'RECOMMENDATION.ALREADY_ACKNOWLEDGED',
  departmentRequired: 'RECOMMENDATION.DEPARTMENT_REQUIRED',
  staleNotice: 'RECOMMENDATION.STALE_NOTICE',
  notHeldByDepartment: 'RECOMMENDATION.NOT_HELD_BY_DEPARTMENT',
  invalidCoordination: 'RECOMMENDATION.INVALID_COORDINATION',
  coordinationDueAfterLead: 'RECOMMENDATION.COORDINATION_DUE_AFTER_LEAD',
  notCoordinating: 'RECOMMENDATION.NOT_COORDINATING',
  notOverdue: 'RECOMMENDATION.NOT_OVERDUE',
  explanationPending: 'RECOMMENDATION.EXPLANATION_PENDING',
  noExplanationRequested: 'RECOMMENDATION.NO_EXPLANATION_REQUESTED',
  communeNotInSession: 'SESSION.COMMUNE_NOT_PRESENT',
  sessionMismatch: 'SESSION.MISMATCH',
} as const;
