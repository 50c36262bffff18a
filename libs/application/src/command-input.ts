import type { Due, OfficialDocument, RecommendationCommand, RecommendationCommandType } from '@app/recommendations';

/** A due date as a person gives it: a moment, or a number of working days from now. */
export interface DeadlineInput {
  dueAt?: string;
  dueInWorkingDays?: number;
}

/** A coordinating department as a person names it; without a due date it shares the lead's. */
export interface CoordinatingDeadlineInput extends DeadlineInput {
  department: string;
}

/** What the application fills in itself: who, when, and (for a new item) which id. */
type Prepared = 'actor' | 'now' | 'recommendationId';
/** What a person gives in another form: deadlines to compute, ids of sessions and files to look up. */
type Given = 'due' | 'coordinating' | 'attachments' | 'session' | 'document';

type InputOf<C> = C extends unknown
  ? Omit<C, Prepared | Given> & { recommendationId?: string } & (C extends { due: Due } ? { due: DeadlineInput } : unknown) &
      (C extends { coordinating: unknown } ? { coordinating?: CoordinatingDeadlineInput[] } : unknown) &
      (C extends { attachments: unknown } ? { attachments?: string[] } : unknown) &
      (C extends { session: unknown } ? { sessionId?: string } : unknown) &
      (C extends { document: unknown } ? { document?: OfficialDocument | null } : unknown)
  : never;

/**
 * A command as every way in gives it — HTTP body, CLI, job, spreadsheet row: plain data, without
 * the actor and the time (the application adds them), with due dates not yet computed and files
 * and sessions named by id. The recommendation id is absent only when raising a new item.
 */
export type CommandInput = InputOf<RecommendationCommand>;

export type CommandInputOf<T extends RecommendationCommandType> = Extract<CommandInput, { type: T }>;
