import type { RecommendationEvent } from './events';
import type { AttachmentRef } from './events';
import type { Assignment, CitedAttachment, Coordination, RecommendationState, Raised } from './state';

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
      sessionId: null,
      departmentsHeld: [],
      attachments: [],
      explanation: null,
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
        coordinating: [],
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
          document: null,
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
      // A lead that moves to one of the coordinating departments takes that part over; an
      // explanation still awaited is owed by the department the lead's work moved to.
      const moved = holding(
        withAssignment(state, (a) => ({ ...a, department: to, coordinating: a.coordinating.filter((c) => c.department !== to) })),
        [to],
      );
      const owed = state.explanation;
      if (moved.status === 'none' || !owed || owed.answeredAt !== null) return moved;
      return { ...moved, explanation: { ...owed, department: to } };
    }
    case 'RaisedInSession':
      return {
        ...state,
        sessionId: event.data.sessionId,
        workingGroup: event.data.workingGroup,
        sessionDate: event.data.sessionDate,
      };
    case 'DocumentsAttached': {
      const d = event.data;
      const cited = citing(state, d.attachments, d.to, d.attachedAt);
      if (d.to !== 'resolution' || cited.status !== 'resolved' || d.document === null) return cited;
      return { ...cited, resolution: { ...cited.resolution, document: d.document } };
    }
    case 'CoordinationRequested': {
      const d = event.data;
      const coordinating: Coordination[] = d.coordinating.map((c) => ({
        department: c.department,
        dueAt: c.dueAt,
        dueBasis: c.dueBasis,
        contributedAt: null,
        contributions: [],
        remindersSent: [],
        escalationLevel: 0,
      }));
      return holding(
        withAssignment(state, (a) => (a.assignmentNo === d.assignmentNo ? { ...a, coordinating } : a)),
        coordinating.map((c) => c.department),
      );
    }
    case 'ContributionMade': {
      const d = event.data;
      const contributed = withCoordination(state, d.department, (c) => ({
        ...c,
        contributedAt: c.contributedAt ?? d.contributedAt,
        contributions: [...c.contributions, { note: d.note, attachments: d.attachments, contributedAt: d.contributedAt }],
      }));
      return citing(contributed, d.attachments, 'contribution', d.contributedAt);
    }
    case 'CoordinationTransferred': {
      const d = event.data;
      // Into a department already on the assignment (the lead, or coordinating too), the part merges with its own.
      const joined = withAssignment(state, (a) =>
        a.department === d.department || a.coordinating.some((c) => c.department === d.department)
          ? { ...a, coordinating: a.coordinating.filter((c) => c.department !== d.fromDepartment) }
          : a,
      );
      return holding(
        withCoordination(joined, d.fromDepartment, (c) => ({ ...c, department: d.department })),
        [d.department],
      );
    }
    case 'CoordinationReminderSent': {
      const d = event.data;
      return withCoordination(state, d.department, (c) => ({
        ...c,
        remindersSent: [...c.remindersSent, reminderKey(d.lead, d.dueAt)],
      }));
    }
    case 'CoordinationEscalated': {
      const d = event.data;
      return withCoordination(state, d.department, (c) => ({ ...c, escalationLevel: Math.max(c.escalationLevel, d.level) }));
    }
    case 'ExplanationRequested': {
      const d = event.data;
      return {
        ...state,
        explanation: {
          explanationNo: d.explanationNo,
          assignmentNo: d.assignmentNo,
          department: d.department,
          reason: d.reason,
          dueAt: d.dueAt,
          dueBasis: d.dueBasis,
          requestedAt: d.requestedAt,
          requestedBy: d.requestedBy,
          text: null,
          attachments: [],
          answeredAt: null,
          onTime: null,
          remindersSent: [],
        },
      };
    }
    case 'ExplanationGiven': {
      const d = event.data;
      const current = state.explanation;
      if (!current || current.explanationNo !== d.explanationNo) return state;
      const answered = {
        ...state,
        explanation: { ...current, text: d.text, attachments: d.attachments, answeredAt: d.answeredAt, onTime: d.onTime },
      };
      return citing(answered, d.attachments, 'explanation', d.answeredAt);
    }
    case 'ExplanationReminderSent': {
      const d = event.data;
      const current = state.explanation;
      if (!current || current.explanationNo !== d.explanationNo) return state;
      return { ...state, explanation: { ...current, remindersSent: [...current.remindersSent, reminderKey(d.lead, d.dueAt)] } };
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
    sessionId,
    departmentsHeld,
    attachments,
    explanation,
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
    sessionId,
    departmentsHeld,
    attachments,
    explanation,
    assignmentCount,
    lastAssignment,
  };
}

/** The state with `departments` added to those that held the item (its read scope). */
function holding(state: RecommendationState, departments: readonly string[]): RecommendationState {
  if (state.status === 'none') return state;
  const added = departments.filter((d) => !state.departmentsHeld.includes(d));
  return added.length === 0 ? state : { ...state, departmentsHeld: [...state.departmentsHeld, ...added] };
}

function citing(state: RecommendationState, files: readonly AttachmentRef[], cause: string, at: string): RecommendationState {
  if (state.status === 'none' || files.length === 0) return state;
  const cited: CitedAttachment[] = files.map((f) => ({ ...f, with: cause, citedAt: at }));
  return { ...state, attachments: [...state.attachments, ...cited] };
}

function withCoordination(
  state: RecommendationState,
  department: string,
  change: (c: Coordination) => Coordination,
): RecommendationState {
  return withAssignment(state, (a) => ({
    ...a,
    coordinating: a.coordinating.map((c) => (c.department === department ? change(c) : c)),
  }));
}

function withAssignment(state: RecommendationState, change: (a: Assignment) => Assignment): RecommendationState {
  if (state.status !== 'assigned') return state;
  const assignment = change(state.assignment);
  return { ...state, assignment, lastAssignment: assignment };
}
