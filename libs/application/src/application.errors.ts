import { ConcurrencyError, InvalidAppendError, StoreUnavailableError } from '@app/event-store';
import { AccountError, DirectoryError } from '@app/accounts';
import { DomainError } from '@app/recommendations';

/**
 * What went wrong, in words every way in understands. The HTTP layer maps each kind to a status in
 * one table; the CLI, the jobs and the importer read the same kinds and codes.
 */
export type ErrorKind = 'invalid' | 'forbidden' | 'not_found' | 'conflict' | 'stale' | 'unavailable';

/** Base of the errors the application layer raises: a stable `code` clients may rely on, and a kind. */
export class ApplicationError extends Error {
  constructor(
    readonly code: string,
    readonly kind: ErrorKind,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** A command names a commune, department, category or working group the directory does not know. */
export class UnknownCodeError extends ApplicationError {
  constructor(message: string) {
    super('DIRECTORY.UNKNOWN_CODE', 'invalid', message);
  }
}

/** A command names a code the directory has retired: it stays known, and takes no new items. */
export class RetiredCodeError extends ApplicationError {
  constructor(message: string) {
    super('DIRECTORY.RETIRED', 'invalid', message);
  }
}

/** Input that is well-formed but cannot be used as given (e.g. both a due date and a number of working days). */
export class InvalidInputError extends ApplicationError {
  constructor(code: string, message: string) {
    super(code, 'invalid', message);
  }
}

/** The caller's If-Match revision is not the item's current one; nothing was appended. */
export class StaleRevisionError extends ApplicationError {
  constructor(
    readonly expected: number,
    readonly actual: number | null,
  ) {
    super(
      'RECOMMENDATION.STALE_REVISION',
      'stale',
      `If-Match revision ${expected} is stale: the item is at revision ${actual ?? 'none'}`,
    );
  }
}

/** The item kept changing under retried decisions; nothing was appended. */
export class ConcurrentUpdateError extends ApplicationError {
  constructor(message = 'the item kept changing while the command was decided; try again') {
    super('RECOMMENDATION.CONCURRENT_UPDATE', 'conflict', message);
  }
}

/** An Idempotency-Key already answered another request. */
export class IdempotencyKeyReusedError extends ApplicationError {
  constructor() {
    super('IDEMPOTENCY.KEY_REUSED', 'conflict', 'this Idempotency-Key was already used with a different request');
  }
}

/**
 * Any error of the domain, the application or the event store as an {@link ApplicationError};
 * null for what is none of these (a bug, or an error of the way in itself).
 */
export function asApplicationError(error: unknown): ApplicationError | null {
  if (error instanceof ApplicationError) return error;
  if (error instanceof DomainError) return new ApplicationError(error.code, error.kind, error.message);
  if (error instanceof AccountError) return new ApplicationError(error.code, error.kind, error.message);
  if (error instanceof DirectoryError) return new ApplicationError(error.code, error.kind, error.message);
  if (error instanceof ConcurrencyError) return new ConcurrentUpdateError('the item changed meanwhile; try again');
  if (error instanceof InvalidAppendError) return new ApplicationError(error.code, 'conflict', error.message);
  if (error instanceof StoreUnavailableError)
    return new ApplicationError(error.code, 'unavailable', 'the event store is unavailable; nothing was recorded');
  return null;
}
