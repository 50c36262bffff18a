/** Errors the HTTP layer raises itself, with their stable codes. */
export class StaleRevisionError extends Error {
  readonly code = 'RECOMMENDATION.STALE_REVISION';
  constructor(
    readonly expected: number,
    readonly actual: number | null,
  ) {
    super(`If-Match revision ${expected} is stale: the item is at revision ${actual ?? 'none'}`);
  }
}

export class UnknownCodeError extends Error {
  readonly code = 'DIRECTORY.UNKNOWN_CODE';
}

export class IdempotencyKeyReusedError extends Error {
  readonly code = 'IDEMPOTENCY.KEY_REUSED';
  constructor() {
    super('this Idempotency-Key was already used with a different request');
  }
}

export class ConcurrentUpdateError extends Error {
  readonly code = 'RECOMMENDATION.CONCURRENT_UPDATE';
  constructor() {
    super('the item kept changing while the command was decided; try again');
  }
}
