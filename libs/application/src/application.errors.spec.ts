import { ConcurrencyError, InvalidAppendError, StoreUnavailableError, StreamNotFoundError } from '@app/event-store';
import { DomainError, ErrorCodes } from '@app/recommendations';
import {
  ApplicationError,
  asApplicationError,
  ConcurrentUpdateError,
  IdempotencyKeyReusedError,
  InvalidInputError,
  StaleRevisionError,
  UnknownCodeError,
} from './application.errors';

describe('asApplicationError', () => {
  it('passes an application error through as it is', () => {
    const stale = new StaleRevisionError(3, 5);
    expect(asApplicationError(stale)).toBe(stale);
  });

  it('keeps a domain error’s code, kind and message', () => {
    const refused = new DomainError(ErrorCodes.invalidTransition, 'conflict', 'cannot accept a recommendation that is declined');
    const mapped = asApplicationError(refused);
    expect(mapped).toBeInstanceOf(ApplicationError);
    expect(mapped).toMatchObject({
      code: 'RECOMMENDATION.INVALID_TRANSITION',
      kind: 'conflict',
      message: 'cannot accept a recommendation that is declined',
    });
  });

  it.each([
    [ErrorCodes.notFound, 'not_found'],
    [ErrorCodes.roleNotAllowed, 'forbidden'],
    [ErrorCodes.dueDateNotInFuture, 'invalid'],
  ] as const)('keeps the domain’s kind: %s is %s', (code, kind) => {
    expect(asApplicationError(new DomainError(code, kind, 'refused'))).toMatchObject({ code, kind });
  });

  it('a ConcurrencyError that reached the caller is a concurrent update to try again', () => {
    const mapped = asApplicationError(new ConcurrencyError('recommendation-x', 2n, 3n));
    expect(mapped).toBeInstanceOf(ConcurrentUpdateError);
    expect(mapped).toMatchObject({ code: 'RECOMMENDATION.CONCURRENT_UPDATE', kind: 'conflict' });
  });

  it('an InvalidAppendError (an event id reused with other content) is a conflict under the store’s code', () => {
    const mapped = asApplicationError(new InvalidAppendError('event id 1 already belongs to stream s'));
    expect(mapped).toMatchObject({ code: 'EVENT_STORE.INVALID_APPEND', kind: 'conflict' });
  });

  it('a StoreUnavailableError is unavailable, says nothing was recorded, and does not show the cause', () => {
    const cause = new Error('SQLITE_BUSY: database is locked at /var/lib/tracker/events.sqlite');
    const mapped = asApplicationError(new StoreUnavailableError(`event store write failed: ${cause.message}`, { cause }));
    expect(mapped).toMatchObject({ code: 'EVENT_STORE.UNAVAILABLE', kind: 'unavailable' });
    expect(mapped?.message).toBe('the event store is unavailable; nothing was recorded');
  });

  it.each([
    ['a bug', new TypeError("Cannot read properties of undefined (reading 'status')")],
    ['another store error', new StreamNotFoundError('recommendation-x')],
    ['a thrown string', 'boom'],
    ['undefined', undefined],
  ])('is null for what is none of these: %s', (_, error) => {
    expect(asApplicationError(error)).toBeNull();
  });
});

describe('application errors', () => {
  it.each([
    [new UnknownCodeError('unknown commune "x"'), 'DIRECTORY.UNKNOWN_CODE', 'invalid', 'UnknownCodeError'],
    [new InvalidInputError('VALIDATION.FAILED', 'both'), 'VALIDATION.FAILED', 'invalid', 'InvalidInputError'],
    [new StaleRevisionError(1, null), 'RECOMMENDATION.STALE_REVISION', 'stale', 'StaleRevisionError'],
    [new ConcurrentUpdateError(), 'RECOMMENDATION.CONCURRENT_UPDATE', 'conflict', 'ConcurrentUpdateError'],
    [new IdempotencyKeyReusedError(), 'IDEMPOTENCY.KEY_REUSED', 'conflict', 'IdempotencyKeyReusedError'],
  ])('%s has a stable code, a kind and its own name', (error, code, kind, name) => {
    expect(error).toBeInstanceOf(ApplicationError);
    expect(error).toMatchObject({ code, kind, name });
  });

  it('a stale revision says which revision the caller had and which the item has', () => {
    expect(new StaleRevisionError(1, 4).message).toBe('If-Match revision 1 is stale: the item is at revision 4');
    expect(new StaleRevisionError(0, null).message).toBe('If-Match revision 0 is stale: the item is at revision none');
  });
});
