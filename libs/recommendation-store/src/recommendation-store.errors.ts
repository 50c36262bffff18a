/** The caller's If-Match revision is not the item's current one; nothing was appended. */
export class StaleRevisionError extends Error {
  readonly code = 'RECOMMENDATION.STALE_REVISION';
  constructor(
    readonly expected: number,
    readonly actual: number | null,
  ) {
    super(`If-Match revision ${expected} is stale: the item is at revision ${actual ?? 'none'}`);
  }
}

/** The item kept changing under retried decisions; nothing was appended. */
export class ConcurrentUpdateError extends Error {
  readonly code = 'RECOMMENDATION.CONCURRENT_UPDATE';
  constructor() {
    super('the item kept changing while the command was decided; try again');
  }
}
