import type { OfficialDocument } from './events';
import { overdueness, type CitedAttachment, type RecommendationState } from './state';

/** The item as API.md's `GET /recommendations/:id` shows it. */
export interface RecommendationView {
  id: string;
  revision: number;
  status: string;
  commune: string;
  workingGroup: number | null;
  sessionDate: string | null;
  /** The recorded working session it was raised at. */
  sessionId: string | null;
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
    progress: Array<{ note: string; reportedAt: string }>;
    coordinating: Array<{
      department: string;
      dueAt: string;
      contributedAt: string | null;
      contributions: Array<{ note: string; attachments: string[]; contributedAt: string }>;
    }>;
  } | null;
  resolution: {
    text: string;
    resolvedAt: string;
    resolvedBy: string;
    onTime: boolean;
    department: string | null;
    document: OfficialDocument | null;
  } | null;
  explanation: {
    requestedAt: string;
    requestedBy: string;
    reason: string;
    dueAt: string;
    department: string;
    text: string | null;
    answeredAt: string | null;
    onTime: boolean | null;
    attachments: string[];
  } | null;
  attachments: CitedAttachment[];
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
    sessionId: state.sessionId,
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
      progress: current.progress,
      coordinating: current.coordinating.map((c) => ({
        department: c.department,
        dueAt: c.dueAt,
        contributedAt: c.contributedAt,
        contributions: c.contributions.map((x) => ({
          note: x.note,
          attachments: x.attachments.map((a) => a.id),
          contributedAt: x.contributedAt,
        })),
      })),
    },
    resolution: state.status === 'resolved' ? state.resolution : null,
    explanation: state.explanation && {
      requestedAt: state.explanation.requestedAt,
      requestedBy: state.explanation.requestedBy,
      reason: state.explanation.reason,
      dueAt: state.explanation.dueAt,
      department: state.explanation.department,
      text: state.explanation.text,
      answeredAt: state.explanation.answeredAt,
      onTime: state.explanation.onTime,
      attachments: state.explanation.attachments.map((a) => a.id),
    },
    attachments: state.attachments,
    declined: state.status === 'declined' ? state.declined : null,
    ...overdueness(state, now),
  };
}
