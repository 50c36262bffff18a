import type { RecommendationEvent } from './events';
import type { Assignment, RecommendationState, Raised } from './state';

/** Folds one event into the state. Never throws: what was stored happened. */
export function evolve(state: RecommendationState, event: RecommendationEvent): RecommendationState {
  if (event.type === 'RecommendationRaised') {
    const d = event.data;
    return {
      status: 'raised',
      id: d.recommendationId,
      commune: d.commune,
      workingGroup: d.workingGroup,
      sessionDate: d.sessionDate,
      title: d.title,
      description: d.description,
      category: d.category,
      raisedAt: d.raisedAt,
      raisedBy: d.raisedBy,
      departmentsHeld: [],
      assignmentCount: 0,
      lastAssignment: null,
    };
  }
  if (state.status === 'none') return state;
  const raised = raisedPart(state);
  switch (event.type) {
    case 'RecommendationAccepted':
      return { ...raised, status: 'accepted', acceptedAt: event.data.acceptedAt };
    case 'RecommendationDeclined':
      return { ...raised, status: 'declined', declined: { reason: event.data.reason, declinedAt: event.data.declinedAt } };
    case 'RecommendationAssigned':
    case 'RecommendationReopened': {
      const d = event.data;
      const assignment: Assignment = {
        assignmentNo: d.assignmentNo,
        department: d.department,
        dueAt: d.dueAt,
        dueBasis: d.dueBasis,
        instructions: event.type === 'RecommendationAssigned' ? event.data.instructions : null,
        assignedAt: event.type === 'RecommendationAssigned' ? event.data.assignedAt : event.data.reopenedAt,
        acknowledgedAt: null,
        extensions: [],
        extensionRequests: [],
        progress: [],
        remindersSent: [],
        escalationLevel: 0,
      };
      return {
        ...raised,
        status: 'assigned',
        assignment,
        lastAssignment: assignment,
        assignmentCount: Math.max(raised.assignmentCount, d.assignmentNo),
        departmentsHeld: raised.departmentsHeld.includes(d.department)
          ? raised.departmentsHeld
          : [...raised.departmentsHeld, d.department],
      };
    }
    case 'AssignmentAcknowledged':
      return withAssignment(state, (a) => ({ ...a, acknowledgedAt: event.data.acknowledgedAt }));
    case 'ProgressReported':
      return withAssignment(state, (a) => ({
        ...a,
        progress: [...a.progress, { note: event.data.note, reportedAt: event.data.reportedAt }],
      }));
    case 'ExtensionRequested': {
      const { requestedDueAt, reason, requestedAt } = event.data;
      return withAssignment(state, (a) => ({
        ...a,
        extensionRequests: [...a.extensionRequests, { requestedDueAt, reason, requestedAt }],
      }));
    }
    case 'DeadlineExtended': {
      const { previousDueAt, dueAt, dueBasis, reason, extendedAt } = event.data;
      return withAssignment(state, (a) => ({
        ...a,
        dueAt,
        dueBasis,
        escalationLevel: 0,
        remindersSent: [],
        extensions: [...a.extensions, { previousDueAt, dueAt, reason, extendedAt }],
      }));
    }
    case 'AssignmentReturned':
      return { ...raised, status: 'accepted', acceptedAt: event.data.returnedAt };
    case 'RecommendationResolved': {
      const d = event.data;
      return {
        ...raised,
        status: 'resolved',
        resolution: {
          text: d.resolution,
          resolvedAt: d.resolvedAt,
          resolvedBy: d.resolvedBy,
          onTime: d.onTime,
          department: d.department,
        },
      };
    }
    case 'ReminderSent':
      return withAssignment(state, (a) => ({
        ...a,
        remindersSent: [...a.remindersSent, reminderKey(event.data.lead, event.data.dueAt)],
      }));
    case 'DeadlineEscalated':
      return withAssignment(state, (a) => ({ ...a, escalationLevel: Math.max(a.escalationLevel, event.data.level) }));
    case 'NotificationDelivered':
    case 'NotificationFailed':
      return state;
    case 'AssignmentTransferred': {
      const to = event.data.department;
      const moved = withAssignment(state, (a) => ({ ...a, department: to }));
      if (moved.status === 'none' || moved.departmentsHeld.includes(to)) return moved;
      return { ...moved, departmentsHeld: [...moved.departmentsHeld, to] };
    }
    default: {
      const unhandled: never = event;
      return unhandled;
    }
  }
}

/** Folds a whole history. */
export function fold(
  events: readonly RecommendationEvent[],
  from: RecommendationState = { status: 'none' },
): RecommendationState {
  return events.reduce(evolve, from);
}

/** Identifies one reminder of one deadline, so that it is sent once. */
export function reminderKey(lead: string, dueAt: string): string {
  return `${lead}@${new Date(dueAt).toISOString()}`;
}

function raisedPart(state: Exclude<RecommendationState, { status: 'none' }>): Raised {
  const {
    id,
    commune,
    workingGroup,
    sessionDate,
    title,
    description,
    category,
    raisedAt,
    raisedBy,
    departmentsHeld,
    assignmentCount,
  } = state;
  const lastAssignment = state.status === 'assigned' ? state.assignment : state.lastAssignment;
  return {
    id,
    commune,
    workingGroup,
    sessionDate,
    title,
    description,
    category,
    raisedAt,
    raisedBy,
    departmentsHeld,
    assignmentCount,
    lastAssignment,
  };
}

function withAssignment(state: RecommendationState, change: (a: Assignment) => Assignment): RecommendationState {
  if (state.status !== 'assigned') return state;
  const assignment = change(state.assignment);
  return { ...state, assignment, lastAssignment: assignment };
}
