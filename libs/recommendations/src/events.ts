/**
 * The events of a recommendation's stream. A stored event's shape never changes: a new shape gets
 * a new schema version and an upcaster. Names are past tense string literals.
 */

/** How a due date was obtained, kept so that it can be explained later. */
export type DueDateBasis =
  | { method: 'explicit' }
  | {
      method: 'workingDays';
      workingDays: number;
      from: string;
      fromLocalDate: string;
      timeZone: string;
      skipped: Array<{ date: string; reason: string }>;
      workedWeekendDays: Array<{ date: string; reason: string }>;
      calendarVersion: string;
    };

export interface RecommendationRaised {
  type: 'RecommendationRaised';
  data: {
    recommendationId: string;
    commune: string;
    workingGroup: number | null;
    sessionDate: string | null;
    title: string;
    description: string;
    category: string;
    raisedAt: string;
    raisedBy: string;
  };
}

export interface RecommendationAccepted {
  type: 'RecommendationAccepted';
  data: { note: string | null; acceptedAt: string };
}

export interface RecommendationDeclined {
  type: 'RecommendationDeclined';
  data: { reason: string; declinedAt: string };
}

export interface RecommendationAssigned {
  type: 'RecommendationAssigned';
  data: {
    assignmentNo: number;
    department: string;
    dueAt: string;
    dueBasis: DueDateBasis;
    instructions: string | null;
    assignedAt: string;
  };
}

export interface AssignmentAcknowledged {
  type: 'AssignmentAcknowledged';
  data: { assignmentNo: number; department: string; acknowledgedAt: string };
}

export interface ProgressReported {
  type: 'ProgressReported';
  data: { assignmentNo: number; department: string; note: string; reportedAt: string };
}

export interface ExtensionRequested {
  type: 'ExtensionRequested';
  data: { assignmentNo: number; department: string; requestedDueAt: string; reason: string; requestedAt: string };
}

export interface DeadlineExtended {
  type: 'DeadlineExtended';
  data: {
    assignmentNo: number;
    previousDueAt: string;
    dueAt: string;
    dueBasis: DueDateBasis;
    reason: string;
    extendedAt: string;
  };
}

export interface AssignmentReturned {
  type: 'AssignmentReturned';
  data: { assignmentNo: number; department: string; reason: string; returnedAt: string };
}

export interface RecommendationResolved {
  type: 'RecommendationResolved';
  data: {
    resolution: string;
    resolvedAt: string;
    resolvedBy: string;
    /** null when answered on the spot, before any assignment. */
    department: string | null;
    assignmentNo: number | null;
    dueAt: string | null;
    onTime: boolean;
  };
}

export interface RecommendationReopened {
  type: 'RecommendationReopened';
  data: {
    reason: string;
    assignmentNo: number;
    department: string;
    dueAt: string;
    dueBasis: DueDateBasis;
    reopenedAt: string;
  };
}

export interface ReminderSent {
  type: 'ReminderSent';
  data: { assignmentNo: number; department: string; lead: string; dueAt: string; channels: string[]; sentAt: string };
}

export interface DeadlineEscalated {
  type: 'DeadlineEscalated';
  data: {
    assignmentNo: number;
    department: string;
    level: number;
    dueAt: string;
    daysOverdue: number;
    /** Where its notice goes (since schema version 3; older escalations read as `[]`, see upcasters.ts). */
    channels: string[];
    escalatedAt: string;
  };
}

/** One channel of a notice reached the department. `noticeId` is the id of the ReminderSent or DeadlineEscalated event. */
export interface NotificationDelivered {
  type: 'NotificationDelivered';
  data: { assignmentNo: number; department: string; channel: string; notice: string; noticeId: string; deliveredAt: string };
}

/** One channel of a notice failed after every retry. Its notice is the event its causation id names. */
export interface NotificationFailed {
  type: 'NotificationFailed';
  data: { assignmentNo: number; department: string; channel: string; notice: string; error: string; failedAt: string };
}

/** The assignment moved to another department, the same assignment and deadline (a merger of departments). */
export interface AssignmentTransferred {
  type: 'AssignmentTransferred';
  data: {
    assignmentNo: number;
    fromDepartment: string;
    department: string;
    reason: string;
    mergerId: string;
    transferredAt: string;
  };
}

/** A stored file an event cites: its content hash is part of the tamper-evident history. */
export interface AttachmentRef {
  id: string;
  name: string;
  contentType: string;
  size: number;
  sha256: string;
}

/** The official letter (công văn) that answers an item. */
export interface OfficialDocument {
  number: string;
  /** Its date, YYYY-MM-DD. */
  date: string;
}

/** The item was raised at a recorded working session (appended right after RecommendationRaised). */
export interface RaisedInSession {
  type: 'RaisedInSession';
  data: { sessionId: string; workingGroup: number; sessionDate: string };
}

/** Files (and, for a resolution, the official letter) that came with the event just before it. */
export interface DocumentsAttached {
  type: 'DocumentsAttached';
  data: {
    to: 'raise' | 'progress' | 'resolution';
    assignmentNo: number | null;
    attachments: AttachmentRef[];
    document: OfficialDocument | null;
    attachedAt: string;
  };
}

/** Coordinating departments (phối hợp) named for an assignment, each with its own due date. */
export interface CoordinationRequested {
  type: 'CoordinationRequested';
  data: {
    assignmentNo: number;
    coordinating: Array<{ department: string; dueAt: string; dueBasis: DueDateBasis }>;
    requestedAt: string;
  };
}

export interface ContributionMade {
  type: 'ContributionMade';
  data: { assignmentNo: number; department: string; note: string; attachments: AttachmentRef[]; contributedAt: string };
}

/** The standing committee requires the lead department to explain in writing, by a date, why the item is overdue. */
export interface ExplanationRequested {
  type: 'ExplanationRequested';
  data: {
    explanationNo: number;
    assignmentNo: number;
    department: string;
    reason: string;
    dueAt: string;
    dueBasis: DueDateBasis;
    requestedAt: string;
    requestedBy: string;
  };
}

export interface ExplanationGiven {
  type: 'ExplanationGiven';
  data: {
    explanationNo: number;
    department: string;
    text: string;
    attachments: AttachmentRef[];
    answeredAt: string;
    /** Whether it came by its due date. */
    onTime: boolean;
  };
}

/** A coordinating department's part moved to another department (a merger). */
export interface CoordinationTransferred {
  type: 'CoordinationTransferred';
  data: {
    assignmentNo: number;
    fromDepartment: string;
    department: string;
    reason: string;
    mergerId: string;
    transferredAt: string;
  };
}

export interface CoordinationReminderSent {
  type: 'CoordinationReminderSent';
  data: { assignmentNo: number; department: string; lead: string; dueAt: string; channels: string[]; sentAt: string };
}

export interface CoordinationEscalated {
  type: 'CoordinationEscalated';
  data: {
    assignmentNo: number;
    department: string;
    level: number;
    dueAt: string;
    daysOverdue: number;
    channels: string[];
    escalatedAt: string;
  };
}

export interface ExplanationReminderSent {
  type: 'ExplanationReminderSent';
  data: {
    /** The assignment the explanation was requested on (deliveries are recorded against it). */
    assignmentNo: number;
    explanationNo: number;
    department: string;
    lead: string;
    dueAt: string;
    channels: string[];
    sentAt: string;
  };
}

export type RecommendationEvent =
  | RecommendationRaised
  | RecommendationAccepted
  | RecommendationDeclined
  | RecommendationAssigned
  | AssignmentAcknowledged
  | ProgressReported
  | ExtensionRequested
  | DeadlineExtended
  | AssignmentReturned
  | RecommendationResolved
  | RecommendationReopened
  | ReminderSent
  | DeadlineEscalated
  | NotificationDelivered
  | NotificationFailed
  | AssignmentTransferred
  | RaisedInSession
  | DocumentsAttached
  | CoordinationRequested
  | ContributionMade
  | ExplanationRequested
  | ExplanationGiven
  | CoordinationTransferred
  | CoordinationReminderSent
  | CoordinationEscalated
  | ExplanationReminderSent;

export type RecommendationEventType = RecommendationEvent['type'];

/** Stream of one recommendation. */
export const recommendationStream = (id: string) => `recommendation-${id}`;
export const RECOMMENDATION_STREAM_PREFIX = 'recommendation-';
