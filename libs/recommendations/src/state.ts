import type { AttachmentRef, DueDateBasis, OfficialDocument } from './events';

export interface Extension {
  previousDueAt: string;
  dueAt: string;
  reason: string;
  extendedAt: string;
}

/** A coordinating department's part in an assignment. */
export interface Coordination {
  department: string;
  dueAt: string;
  dueBasis: DueDateBasis;
  /** The first contribution's time; null while none came. */
  contributedAt: string | null;
  contributions: Array<{ note: string; attachments: AttachmentRef[]; contributedAt: string }>;
  remindersSent: string[];
  escalationLevel: number;
}

/** A written explanation the committee required (yêu cầu giải trình). */
export interface Explanation {
  explanationNo: number;
  assignmentNo: number;
  department: string;
  reason: string;
  dueAt: string;
  dueBasis: DueDateBasis;
  requestedAt: string;
  requestedBy: string;
  text: string | null;
  attachments: AttachmentRef[];
  answeredAt: string | null;
  onTime: boolean | null;
  remindersSent: string[];
}

/** A file cited by the item's record, with where it was cited. */
export interface CitedAttachment extends AttachmentRef {
  /** What it came with: raise, progress, resolution, contribution or explanation. */
  with: string;
  /** When the event citing it happened. */
  citedAt: string;
}

export interface Assignment {
  assignmentNo: number;
  department: string;
  dueAt: string;
  dueBasis: DueDateBasis;
  instructions: string | null;
  assignedAt: string;
  acknowledgedAt: string | null;
  extensions: Extension[];
  extensionRequests: Array<{ requestedDueAt: string; reason: string; requestedAt: string }>;
  progress: Array<{ note: string; reportedAt: string }>;
  remindersSent: string[];
  escalationLevel: number;
  coordinating: Coordination[];
}

export interface Resolution {
  text: string;
  resolvedAt: string;
  resolvedBy: string;
  onTime: boolean;
  /** The department that resolved it; null when answered on the spot. */
  department: string | null;
  /** The official letter that answered, when given. */
  document: OfficialDocument | null;
}

/** What every raised recommendation has, whatever its status. */
export interface Raised {
  id: string;
  commune: string;
  workingGroup: number | null;
  sessionDate: string | null;
  title: string;
  description: string;
  category: string;
  raisedAt: string;
  raisedBy: string;
  /** The recorded working session it was raised at, if any. */
  sessionId: string | null;
  /** Every department that was ever assigned the item, as lead or coordinating: its read scope. */
  departmentsHeld: string[];
  /** Every file the item's record cites; who may read the item may download them. */
  attachments: CitedAttachment[];
  /** The latest explanation requested, answered or not. */
  explanation: Explanation | null;
  /** Assignments made so far; the next one gets this number + 1. */
  assignmentCount: number;
  /** The latest assignment, kept after return or resolution for context. */
  lastAssignment: Assignment | null;
}

export type RecommendationState =
  | { status: 'none' }
  | (Raised & { status: 'raised' })
  | (Raised & { status: 'accepted'; acceptedAt: string })
  | (Raised & { status: 'declined'; declined: { reason: string; declinedAt: string } })
  | (Raised & { status: 'assigned'; assignment: Assignment })
  | (Raised & { status: 'resolved'; resolution: Resolution });

export type RecommendationStatus = Exclude<RecommendationState['status'], 'none'>;

export type StateOf<S extends RecommendationStatus> = Extract<RecommendationState, { status: S }>;

export const initialState: RecommendationState = { status: 'none' };

/** The current assignment's lead department, or that of the latest one (after resolution). */
export function leadDepartment(state: RecommendationState): string | null {
  if (state.status === 'none') return null;
  return (state.status === 'assigned' ? state.assignment : state.lastAssignment)?.department ?? null;
}

/**
 * The coordinating part a notice (reminder, escalation) is about, while it still waits for its
 * contribution on that assignment by that due date; null once it no longer does.
 */
export function partAwaitingContribution(
  assignment: Assignment,
  notice: { assignmentNo: number; department: string; dueAt: string },
): Coordination | null {
  const part = assignment.coordinating.find((c) => c.department === notice.department);
  if (!part || assignment.assignmentNo !== notice.assignmentNo || part.contributedAt !== null) return null;
  return Date.parse(part.dueAt) === Date.parse(notice.dueAt) ? part : null;
}

/** An item is overdue when it is assigned and now is past its due date; nothing stores this. */
export function overdueness(state: RecommendationState, now: Date): { overdue: boolean; daysOverdue: number } {
  if (state.status !== 'assigned') return { overdue: false, daysOverdue: 0 };
  const late = now.getTime() - new Date(state.assignment.dueAt).getTime();
  if (late <= 0) return { overdue: false, daysOverdue: 0 };
  return { overdue: true, daysOverdue: Math.floor(late / 86_400_000) };
}
