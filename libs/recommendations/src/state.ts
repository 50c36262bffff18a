import type { DueDateBasis } from './events';

export interface Extension {
  previousDueAt: string;
  dueAt: string;
  reason: string;
  extendedAt: string;
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
}

export interface Resolution {
  text: string;
  resolvedAt: string;
  resolvedBy: string;
  onTime: boolean;
  /** The department that resolved it; null when answered on the spot. */
  department: string | null;
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
  /** Every department that was ever assigned the item: its read scope. */
  departmentsHeld: string[];
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

/** An item is overdue when it is assigned and now is past its due date; nothing stores this. */
export function overdueness(state: RecommendationState, now: Date): { overdue: boolean; daysOverdue: number } {
  if (state.status !== 'assigned') return { overdue: false, daysOverdue: 0 };
  const late = now.getTime() - new Date(state.assignment.dueAt).getTime();
  if (late <= 0) return { overdue: false, daysOverdue: 0 };
  return { overdue: true, daysOverdue: Math.floor(late / 86_400_000) };
}
