import type { Actor } from './actor';
import type { AttachmentRef, DueDateBasis, OfficialDocument } from './events';

/** A due date already computed by the caller (explicitly given, or from working days). */
export interface Due {
  dueAt: string;
  basis: DueDateBasis;
}

/** A recorded working session, as a raise made in it needs it (read from the session's stream). */
export interface SessionRef {
  id: string;
  workingGroup: number;
  date: string;
  communes: string[];
}

/** A coordinating department named on an assignment; without a due date it shares the lead's. */
export interface CoordinatingInput {
  department: string;
  due: Due | null;
}

/** At most this many coordinating departments on one assignment. */
export const MAX_COORDINATING = 10;

interface Base {
  recommendationId: string;
  actor: Actor;
  /** The time the command is decided at; events take their timestamps from it. */
  now: string;
}

export type RecommendationCommand =
  | (Base & {
      type: 'RaiseRecommendation';
      commune: string;
      title: string;
      description: string;
      category: string;
      workingGroup: number | null;
      sessionDate: string | null;
      session: SessionRef | null;
      attachments: AttachmentRef[];
    })
  | (Base & { type: 'AcceptRecommendation'; note: string | null })
  | (Base & { type: 'DeclineRecommendation'; reason: string })
  | (Base & {
      type: 'AssignRecommendation';
      department: string;
      due: Due;
      instructions: string | null;
      coordinating: CoordinatingInput[];
    })
  | (Base & { type: 'AcknowledgeAssignment' })
  | (Base & { type: 'ReportProgress'; note: string; attachments: AttachmentRef[] })
  | (Base & { type: 'RequestExtension'; requestedDueAt: string; reason: string })
  | (Base & { type: 'ExtendDeadline'; due: Due; reason: string })
  | (Base & { type: 'ReturnAssignment'; reason: string })
  | (Base & {
      type: 'ResolveRecommendation';
      resolution: string;
      attachments: AttachmentRef[];
      document: OfficialDocument | null;
    })
  | (Base & {
      type: 'ReopenRecommendation';
      reason: string;
      due: Due;
      department: string | null;
      coordinating: CoordinatingInput[];
    })
  /** A coordinating department gives its part. */
  | (Base & { type: 'MakeContribution'; note: string; attachments: AttachmentRef[] })
  | (Base & { type: 'RequestExplanation'; reason: string; due: Due })
  | (Base & { type: 'GiveExplanation'; text: string; attachments: AttachmentRef[] })
  | (Base & { type: 'SendReminder'; assignmentNo: number; lead: string; dueAt: string; channels: string[] })
  | (Base & { type: 'EscalateDeadline'; assignmentNo: number; level: number; dueAt: string; channels: string[] })
  /** `department`: whom the notice was for (a coordinating department's); the lead's when absent. */
  | (Base & {
      type: 'RecordNotificationDelivery';
      assignmentNo: number;
      channel: string;
      notice: string;
      noticeId: string;
      department?: string;
    })
  | (Base & {
      type: 'RecordNotificationFailure';
      assignmentNo: number;
      channel: string;
      notice: string;
      error: string;
      department?: string;
    })
  /** A department merged into another: its open assignment moves, citing the merger. */
  | (Base & { type: 'TransferAssignment'; fromDepartment: string; toDepartment: string; reason: string; mergerId: string })
  | (Base & {
      type: 'SendCoordinationReminder';
      assignmentNo: number;
      department: string;
      lead: string;
      dueAt: string;
      channels: string[];
    })
  | (Base & {
      type: 'EscalateCoordination';
      assignmentNo: number;
      department: string;
      level: number;
      dueAt: string;
      channels: string[];
    })
  | (Base & { type: 'SendExplanationReminder'; explanationNo: number; lead: string; dueAt: string; channels: string[] });

export type RecommendationCommandType = RecommendationCommand['type'];

export type CommandOf<T extends RecommendationCommandType> = Extract<RecommendationCommand, { type: T }>;
