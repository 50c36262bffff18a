import { randomUUID } from 'node:crypto';
import { MAX_WORKING_DAYS, type Clock, type Directory, type WorkingCalendar } from '@app/common';
import { deterministicUuid } from '@app/event-store';
import { ErrorCodes, type Actor, type Due, type RecommendationCommand } from '@app/recommendations';
import { ApplicationError, InvalidInputError } from './application.errors';
import type { CommandExecutor, CommandResult } from './command-executor';
import type { CommandInput, DeadlineInput } from './command-input';
import { assertKnownCodes } from './directory-codes';
import type { DirectoryLog } from './directory-log';
import type { AttachmentCatalog } from './attachment-catalog';
import type { WorkingSessions } from './working-sessions';
import { isUuid } from './ids';

/** Where a command comes from and how to append it; every field has a sensible default. */
export interface CommandOptions {
  /** Ties together what one request or job caused; new when absent. */
  correlationId?: string;
  /** The request, job or event that caused this command; new when absent. */
  causationId?: string;
  /** Expected revision (If-Match); absent or null decides on whatever is current. */
  ifMatch?: number | null;
  idempotencyKey?: string;
  /** Seed for deterministic ids (a new item's id, its events' ids): a retry with it appends nothing twice. */
  idSeed?: string;
  /** The moment the command is decided at; the clock's now when absent (the demo seeder moves it). */
  now?: Date;
}

/** The commands that may cite files. */
const CITING: ReadonlySet<RecommendationCommand['type']> = new Set([
  'RaiseRecommendation',
  'ReportProgress',
  'ResolveRecommendation',
  'MakeContribution',
  'GiveExplanation',
] as const);

/** How far ahead a due date may lie: beyond it, a date is a typing mistake (year 9999), not a plan. */
export const DUE_DATE_HORIZON_YEARS = 5;

/**
 * The one way in for every command: HTTP routes, the CLI, worker jobs and importers all call
 * {@link execute}. It completes the input (actor, time, a new item's id, due dates from working
 * days), checks the directory's codes, and hands the domain command to the executor, which
 * decides and appends with the retry and If-Match rules. Errors are {@link ApplicationError}s or
 * the domain's own.
 */
export class RecommendationCommands {
  constructor(
    private readonly executor: CommandExecutor,
    private readonly directory: Directory,
    private readonly calendar: WorkingCalendar,
    private readonly clock: Clock,
    /** When given, the directory is brought up to the log before each command's codes are checked. */
    private readonly directoryLog?: DirectoryLog,
    /** Where cited files and sessions are looked up; without them, a command citing one is refused. */
    private readonly lookups: { attachments?: AttachmentCatalog; sessions?: WorkingSessions } = {},
  ) {}

  /** Every refusal comes through the returned promise, so callers may settle many at once. */
  async execute(input: CommandInput, actor: Actor, options: CommandOptions = {}): Promise<CommandResult> {
    const now = options.now ?? this.clock.now();
    const command = await this.prepare(input, actor, now, options.idSeed);
    if (this.directoryLog) await this.directoryLog.refresh();
    assertKnownCodes(command, this.directory);
    return this.executor.execute(command, {
      correlationId: options.correlationId ?? randomUUID(),
      causationId: options.causationId ?? randomUUID(),
      ifMatch: options.ifMatch ?? null,
      idempotencyKey: options.idempotencyKey,
      idSeed: options.idSeed,
    });
  }

  /** A due date from an explicit moment or a number of working days, with how it was obtained. */
  due(deadline: DeadlineInput, now: Date): Due {
    if (deadline.dueAt !== undefined && deadline.dueInWorkingDays !== undefined) {
      throw new InvalidInputError('VALIDATION.FAILED', 'give either dueAt or dueInWorkingDays, not both');
    }
    if (deadline.dueAt !== undefined) return { dueAt: deadline.dueAt, basis: { method: 'explicit' } };
    if (deadline.dueInWorkingDays === undefined) {
      throw new InvalidInputError('VALIDATION.FAILED', 'give dueAt or dueInWorkingDays');
    }
    const days = deadline.dueInWorkingDays;
    if (!Number.isInteger(days) || days < 1 || days > MAX_WORKING_DAYS) {
      throw new InvalidInputError('VALIDATION.FAILED', `dueInWorkingDays must be a whole number from 1 to ${MAX_WORKING_DAYS}`);
    }
    const { dueAt, computation } = this.calendar.addWorkingDays(now, days);
    return { dueAt, basis: computation };
  }

  private async prepare(
    input: CommandInput,
    actor: Actor,
    now: Date,
    idSeed: string | undefined,
  ): Promise<RecommendationCommand> {
    const recommendationId = input.recommendationId === undefined ? newId(idSeed) : knownIdForm(input.recommendationId);
    const computed = 'due' in input ? this.due(input.due, now) : null;
    if (computed) dueDateWithinHorizon('dueAt', computed.dueAt, now);
    const completed: Record<string, unknown> = computed ? { due: computed } : {};
    if (input.type === 'RequestExtension') dueDateWithinHorizon('requestedDueAt', input.requestedDueAt, now);
    if (input.type === 'AssignRecommendation' || input.type === 'ReopenRecommendation') {
      completed.coordinating = (input.coordinating ?? []).map(({ department, ...deadline }) => {
        if (deadline.dueAt === undefined && deadline.dueInWorkingDays === undefined) return { department, due: null };
        const due = this.due(deadline, now);
        dueDateWithinHorizon('coordinating.dueAt', due.dueAt, now);
        return { department, due };
      });
    }
    if (CITING.has(input.type))
      completed.attachments = await this.cite('attachments' in input ? input.attachments : undefined, actor);
    if (input.type === 'ResolveRecommendation') completed.document = input.document ?? null;
    if (input.type === 'RaiseRecommendation') {
      const { sessionId, ...rest } = input;
      completed.session = sessionId === undefined ? null : await this.session(sessionId);
      return { ...rest, ...completed, recommendationId, actor, now: now.toISOString() } as unknown as RecommendationCommand;
    }
    // The input's fields are the command's, but for what was completed above.
    return { ...input, ...completed, recommendationId, actor, now: now.toISOString() } as unknown as RecommendationCommand;
  }

  private async cite(ids: string[] | undefined, actor: Actor) {
    if (!ids || ids.length === 0) return [];
    if (!this.lookups.attachments) throw new InvalidInputError('ATTACHMENT.UNKNOWN', 'attachments are not stored here');
    return this.lookups.attachments.cite(ids, actor);
  }

  private async session(id: string) {
    if (!this.lookups.sessions) throw new InvalidInputError('SESSION.NOT_FOUND', 'working sessions are not recorded here');
    return this.lookups.sessions.ref(id);
  }
}

function dueDateWithinHorizon(field: string, dueAt: string, now: Date): void {
  const horizon = new Date(now);
  horizon.setUTCFullYear(horizon.getUTCFullYear() + DUE_DATE_HORIZON_YEARS);
  if (Date.parse(dueAt) > horizon.getTime()) {
    throw new InvalidInputError(
      'VALIDATION.DUE_DATE_TOO_FAR',
      `${field} must lie within ${DUE_DATE_HORIZON_YEARS} years of now (before ${horizon.toISOString().slice(0, 10)})`,
    );
  }
}

function newId(idSeed: string | undefined): string {
  return idSeed ? deterministicUuid(`${idSeed}:id`) : randomUUID();
}

/** An id that is not a UUID names no recommendation: not found, like any unknown id. */
export function knownIdForm(id: string): string {
  // Not echoed: a malformed id may carry anything, control characters included.
  if (!isUuid(id)) throw new ApplicationError(ErrorCodes.notFound, 'not_found', 'recommendation not found: no item has this id');
  return id.toLowerCase();
}
