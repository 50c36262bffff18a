/** Errors the HTTP layer raises itself, with their stable codes. */
export class UnknownCodeError extends Error {
  readonly code = 'DIRECTORY.UNKNOWN_CODE';
}

export class IdempotencyKeyReusedError extends Error {
  readonly code = 'IDEMPOTENCY.KEY_REUSED';
  constructor() {
    super('this Idempotency-Key was already used with a different request');
  }
}
