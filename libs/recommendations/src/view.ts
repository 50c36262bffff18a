import { overdueness, type RecommendationState } from './state';

/** The item as API.md's `GET /recommendations/:id` shows it. */
export interface RecommendationView {
  id: string;
  revision: number;
  status: string;
  commune: string;
  workingGroup: number | null;
  sessionDate: string | null;
  title: string;
  description: string;
  category: string;
  raisedAt: string;
  raisedBy: string;
  assignment: {
    assignmentNo: number;
    department: string;
    dueAt: string;
    dueBasis: unknown;
    instructions: string | null;
    assignedAt: string;
    acknowledgedAt: string | null;
    extensions: Array<{ previousDueAt: string; dueAt: string; reason: string; extendedAt: string }>;
    extensionRequests: Array<{ requestedDueAt: string; reason: string; requestedAt: string }>;
  } | null;
  resolution: { text: string; resolvedAt: string; resolvedBy: string; onTime: boolean; department: string | null } | null;
  declined: { reason: string; declinedAt: string } | null;
  overdue: boolean;
  daysOverdue: number;
}

export function toView(state: Exclude<RecommendationState, { status: 'none' }>, revision: number, now: Date): RecommendationView {
  const current =
    state.status === 'assigned'
      ? state.assignment
      : state.status === 'resolved' && state.resolution.department !== null
        ? state.lastAssignment
        : null;
  return {
    id: state.id,
    revision,
    status: state.status,
    commune: state.commune,
    workingGroup: state.workingGroup,
    sessionDate: state.sessionDate,
    title: state.title,
    description: state.description,
    category: state.category,
    raisedAt: state.raisedAt,
    raisedBy: state.raisedBy,
    assignment: current && {
      assignmentNo: current.assignmentNo,
      department: current.department,
      dueAt: current.dueAt,
      dueBasis: current.dueBasis,
      instructions: current.instructions,
      assignedAt: current.assignedAt,
      acknowledgedAt: current.acknowledgedAt,
      extensions: current.extensions,
      extensionRequests: current.extensionRequests,
    },
    resolution: state.status === 'resolved' ? state.resolution : null,
    declined: state.status === 'declined' ? state.declined : null,
    ...overdueness(state, now),
  };
}
