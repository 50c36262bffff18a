import type { Actor } from './actor';
import type { DueDateBasis } from './events';

/** A due date already computed by the caller (explicitly given, or from working days). */
export interface Due {
  dueAt: string;
  basis: DueDateBasis;
}

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
    })
  | (Base & { type: 'AcceptRecommendation'; note: string | null })
  | (Base & { type: 'DeclineRecommendation'; reason: string })
  | (Base & { type: 'AssignRecommendation'; department: string; due: Due; instructions: string | null })
  | (Base & { type: 'AcknowledgeAssignment' })
  | (Base & { type: 'ReportProgress'; note: string })
  | (Base & { type: 'RequestExtension'; requestedDueAt: string; reason: string })
  | (Base & { type: 'ExtendDeadline'; due: Due; reason: string })
  | (Base & { type: 'ReturnAssignment'; reason: string })
  | (Base & { type: 'ResolveRecommendation'; resolution: string })
  | (Base & { type: 'ReopenRecommendation'; reason: string; due: Due; department: string | null })
  | (Base & { type: 'SendReminder'; assignmentNo: number; lead: string; dueAt: string; channels: string[] })
  | (Base & { type: 'EscalateDeadline'; assignmentNo: number; level: number; dueAt: string; channels: string[] })
  | (Base & { type: 'RecordNotificationDelivery'; assignmentNo: number; channel: string; notice: string; noticeId: string })
  | (Base & { type: 'RecordNotificationFailure'; assignmentNo: number; channel: string; notice: string; error: string })
  /** A department merged into another: its open assignment moves, citing the merger. */
  | (Base & { type: 'TransferAssignment'; fromDepartment: string; toDepartment: string; reason: string; mergerId: string });

export type RecommendationCommandType = RecommendationCommand['type'];

export type CommandOf<T extends RecommendationCommandType> = Extract<RecommendationCommand, { type: T }>;
