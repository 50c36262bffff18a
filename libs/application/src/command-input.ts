import type { Due, RecommendationCommand, RecommendationCommandType } from '@app/recommendations';

/** A due date as a person gives it: a moment, or a number of working days from now. */
export interface DeadlineInput {
  dueAt?: string;
  dueInWorkingDays?: number;
}

/** What the application fills in itself: who, when, and (for a new item) which id. */
type Prepared = 'actor' | 'now' | 'recommendationId';

type InputOf<C> = C extends { due: Due }
  ? Omit<C, Prepared | 'due'> & { due: DeadlineInput; recommendationId?: string }
  : Omit<C, Prepared> & { recommendationId?: string };

/**
 * A command as every way in gives it — HTTP body, CLI, job, spreadsheet row: plain data, without
 * the actor and the time (the application adds them), with due dates not yet computed. The
 * recommendation id is absent only when raising a new item.
 */
export type CommandInput = InputOf<RecommendationCommand>;

export type CommandInputOf<T extends RecommendationCommandType> = Extract<CommandInput, { type: T }>;
