import type { Actor, Role } from './actor';
import { MAX_COORDINATING, type RecommendationCommand, type RecommendationCommandType, type SessionRef } from './commands';
import { DomainError, ErrorCodes } from './errors';
import { readScopeOf, scopeAdmits } from './read-scope';
import type { Coordination, Explanation, Raised, RecommendationState, RecommendationStatus } from './state';

/** Who may issue each command at all (API.md's "who" column). */
export const ALLOWED_ROLES = {
  RaiseRecommendation: ['secretariat', 'commune'],
  AcceptRecommendation: ['secretariat'],
  DeclineRecommendation: ['secretariat'],
  AssignRecommendation: ['secretariat'],
  AcknowledgeAssignment: ['department'],
  ReportProgress: ['department'],
  RequestExtension: ['department'],
  ExtendDeadline: ['secretariat', 'committee'],
  ReturnAssignment: ['department'],
  ResolveRecommendation: ['department', 'secretariat'],
  ReopenRecommendation: ['committee', 'secretariat'],
  SendReminder: ['system'],
  EscalateDeadline: ['system'],
  RecordNotificationDelivery: ['system'],
  RecordNotificationFailure: ['system'],
  TransferAssignment: ['system'],
  MakeContribution: ['department'],
  RequestExplanation: ['committee'],
  GiveExplanation: ['department'],
  SendCoordinationReminder: ['system'],
  EscalateCoordination: ['system'],
  SendExplanationReminder: ['system'],
} as const satisfies Record<RecommendationCommandType, readonly Role[]>;

/** Commands only the service itself issues (reminders, escalations, delivery outcomes): no route, no import. */
export type SystemCommandType = {
  [T in RecommendationCommandType]: (typeof ALLOWED_ROLES)[T] extends readonly ['system'] ? T : never;
}[RecommendationCommandType];

/** Commands a person (or another system on their behalf) issues: each has a way in over HTTP. */
export type UserCommandType = Exclude<RecommendationCommandType, SystemCommandType>;

/** The user commands, as a list: a start-up check compares it with the routes that exist. */
export const USER_COMMAND_TYPES = (Object.keys(ALLOWED_ROLES) as RecommendationCommandType[]).filter(
  (type): type is UserCommandType => !(ALLOWED_ROLES[type] as readonly Role[]).includes('system'),
);

/** The statuses each command may start from (API.md's "from" column). */
export const ALLOWED_FROM: Record<RecommendationCommandType, readonly RecommendationStatus[]> = {
  RaiseRecommendation: [],
  AcceptRecommendation: ['raised'],
  DeclineRecommendation: ['raised'],
  AssignRecommendation: ['accepted'],
  AcknowledgeAssignment: ['assigned'],
  ReportProgress: ['assigned'],
  RequestExtension: ['assigned'],
  ExtendDeadline: ['assigned'],
  ReturnAssignment: ['assigned'],
  ResolveRecommendation: ['assigned', 'accepted'],
  ReopenRecommendation: ['resolved'],
  SendReminder: ['assigned'],
  EscalateDeadline: ['assigned'],
  // A delivery's outcome is worth recording whatever happened to the item since its notice.
  RecordNotificationDelivery: ['assigned', 'accepted', 'resolved', 'declined', 'raised'],
  RecordNotificationFailure: ['assigned', 'accepted', 'resolved', 'declined', 'raised'],
  TransferAssignment: ['assigned'],
  MakeContribution: ['assigned'],
  RequestExplanation: ['assigned'],
  // An explanation is owed even once the item is resolved late, or returned (by the department that let it run late).
  GiveExplanation: ['assigned', 'resolved', 'accepted'],
  SendCoordinationReminder: ['assigned'],
  EscalateCoordination: ['assigned'],
  SendExplanationReminder: ['assigned', 'resolved', 'accepted'],
};

export function roleMayIssueCommand(command: RecommendationCommand): void {
  if (!(ALLOWED_ROLES[command.type] as readonly Role[]).includes(command.actor.role)) {
    throw new DomainError(ErrorCodes.roleNotAllowed, 'forbidden', `role ${command.actor.role} may not ${describe(command.type)}`);
  }
}

export function communeRaisesOnlyForItself(actor: Actor, commune: string): void {
  if (actor.role === 'commune' && actor.commune !== commune) {
    throw new DomainError(ErrorCodes.otherCommune, 'forbidden', 'a commune may raise recommendations only for itself');
  }
}

export function recommendationMustExist(
  state: RecommendationState,
  id: string,
): asserts state is Exclude<RecommendationState, { status: 'none' }> {
  if (state.status === 'none') throw new DomainError(ErrorCodes.notFound, 'not_found', `recommendation ${id} not found`);
}

export function recommendationMustBeNew(state: RecommendationState, id: string): void {
  if (state.status !== 'none') throw new DomainError(ErrorCodes.alreadyExists, 'conflict', `recommendation ${id} already exists`);
}

/** Outside a caller's scope an item does not exist for them: departments see what they hold or held, communes their own. */
export function itemMustBeInCallerScope(state: Raised, actor: Actor): void {
  if (!scopeAdmits(readScopeOf(actor), state))
    throw new DomainError(ErrorCodes.notFound, 'not_found', `recommendation ${state.id} not found`);
}

export function transitionMustBeAllowed(status: RecommendationStatus, type: RecommendationCommandType): void {
  if (!ALLOWED_FROM[type].includes(status)) {
    throw new DomainError(
      ErrorCodes.invalidTransition,
      'conflict',
      `cannot ${describe(type)} a recommendation that is ${status}`,
    );
  }
}

export function departmentActsOnlyOnItsAssignment(assignedTo: string, actor: Actor): void {
  if (actor.role === 'department' && actor.department !== assignedTo) {
    throw new DomainError(
      ErrorCodes.notAssignedToCaller,
      'forbidden',
      'the recommendation is not assigned to your department now',
    );
  }
}

export function onlyTheAssignedDepartmentResolvesAnAssignment(assignedTo: string, actor: Actor): void {
  if (actor.role !== 'department' || actor.department !== assignedTo) {
    throw new DomainError(
      ErrorCodes.notAssignedToCaller,
      'forbidden',
      'only the assigned department resolves an assigned recommendation',
    );
  }
}

export function onlyTheSecretariatAnswersOnTheSpot(actor: Actor): void {
  if (actor.role !== 'secretariat') {
    throw new DomainError(
      ErrorCodes.notAssignedToCaller,
      'forbidden',
      'only the secretariat resolves a recommendation that is not assigned',
    );
  }
}

export function dueDateMustBeInFuture(dueAt: string, now: string): void {
  if (new Date(dueAt).getTime() <= new Date(now).getTime()) {
    throw new DomainError(ErrorCodes.dueDateNotInFuture, 'invalid', `due date ${dueAt} is not in the future`);
  }
}

export function newDueDateMustBeLater(dueAt: string, currentDueAt: string): void {
  if (new Date(dueAt).getTime() <= new Date(currentDueAt).getTime()) {
    throw new DomainError(
      ErrorCodes.dueDateNotLater,
      'invalid',
      `due date ${dueAt} is not later than the current ${currentDueAt}`,
    );
  }
}

export function assignmentAcknowledgedOnce(acknowledgedAt: string | null): void {
  if (acknowledgedAt !== null) {
    throw new DomainError(
      ErrorCodes.alreadyAcknowledged,
      'conflict',
      `the assignment was already acknowledged at ${acknowledgedAt}`,
    );
  }
}

export function reopenNeedsADepartment(department: string | null): asserts department is string {
  if (!department) {
    throw new DomainError(ErrorCodes.departmentRequired, 'invalid', 'answered on the spot: give the department to reopen it to');
  }
}

/** A reminder or escalation that no longer matches the item (resolved, moved, already sent) is stale. */
export function noticeMustStillApply(stale: boolean, what: string): void {
  if (stale) throw new DomainError(ErrorCodes.staleNotice, 'conflict', `${what} no longer applies`);
}

function describe(type: RecommendationCommandType): string {
  return type.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
}

/** A transfer moves an assignment away from the department it names, and only from it. */
export function assignmentMustBeHeldBy(current: string, from: string): void {
  if (current !== from) {
    throw new DomainError(ErrorCodes.notHeldByDepartment, 'conflict', `the assignment is with ${current}, not ${from}`);
  }
}

/** Coordinating departments are distinct, none is the lead, and there are at most {@link MAX_COORDINATING}. */
export function coordinationMustBeWellFormed(lead: string, coordinating: readonly string[]): void {
  const problem =
    coordinating.length > MAX_COORDINATING
      ? `at most ${MAX_COORDINATING} coordinating departments`
      : coordinating.includes(lead)
        ? `the lead department ${lead} cannot also coordinate`
        : new Set(coordinating).size !== coordinating.length
          ? 'each coordinating department may be named once'
          : null;
  if (problem) throw new DomainError(ErrorCodes.invalidCoordination, 'invalid', problem);
}

/** A coordinating department's part feeds the lead's answer: it is due no later than the lead's. */
export function coordinationDueByLeadDue(department: string, dueAt: string, leadDueAt: string): void {
  if (new Date(dueAt).getTime() > new Date(leadDueAt).getTime()) {
    throw new DomainError(
      ErrorCodes.coordinationDueAfterLead,
      'invalid',
      `${department}'s due date ${dueAt} is after the lead department's ${leadDueAt}`,
    );
  }
}

/** Only a department coordinating the current assignment contributes. */
export function callerMustCoordinate(coordinating: readonly Coordination[], actor: Actor): Coordination {
  const part = coordinating.find((c) => c.department === actor.department);
  if (!part) {
    throw new DomainError(ErrorCodes.notCoordinating, 'forbidden', 'your department does not coordinate this assignment');
  }
  return part;
}

/** The committee requires an explanation only of an overdue item. */
export function explanationOnlyWhenOverdue(overdue: boolean): void {
  if (!overdue)
    throw new DomainError(ErrorCodes.notOverdue, 'conflict', 'an explanation may be required only while the item is overdue');
}

/** One explanation at a time: a new request waits for the answer to the last. */
export function noExplanationPending(explanation: Explanation | null): void {
  if (explanation && explanation.answeredAt === null) {
    throw new DomainError(
      ErrorCodes.explanationPending,
      'conflict',
      `an explanation requested at ${explanation.requestedAt} is still awaited`,
    );
  }
}

export function explanationMustBeAwaited(explanation: Explanation | null): asserts explanation is Explanation {
  if (!explanation || explanation.answeredAt !== null) {
    throw new DomainError(ErrorCodes.noExplanationRequested, 'conflict', 'no explanation is awaited for this item');
  }
}

/**
 * Only the department the explanation was asked of explains: the lead when it was requested (or,
 * after a merger, the department its work moved to), even once the item was returned or resolved.
 */
export function onlyTheDepartmentAskedExplains(asked: string, actor: Actor): void {
  if (actor.role !== 'department' || actor.department !== asked) {
    throw new DomainError(ErrorCodes.notAssignedToCaller, 'forbidden', `the explanation was asked of ${asked}`);
  }
}

/** A recommendation raised at a session comes from one of the communes that took part in it. */
export function communeMustHaveTakenPart(session: SessionRef, commune: string): void {
  if (!session.communes.includes(commune)) {
    throw new DomainError(
      ErrorCodes.communeNotInSession,
      'invalid',
      `${commune} did not take part in the session of working group ${session.workingGroup} on ${session.date}`,
    );
  }
}

/** Working group and date come from the session: given as well, they must agree with it. */
export function sessionDetailsMustAgree(session: SessionRef, workingGroup: number | null, sessionDate: string | null): void {
  if (
    (workingGroup !== null && workingGroup !== session.workingGroup) ||
    (sessionDate !== null && sessionDate !== session.date)
  ) {
    throw new DomainError(
      ErrorCodes.sessionMismatch,
      'invalid',
      `the session is working group ${session.workingGroup}'s of ${session.date}; workingGroup and sessionDate may be left out`,
    );
  }
}
