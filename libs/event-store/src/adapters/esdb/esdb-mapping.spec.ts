// EventStoreDB cannot run on this machine; these tests stub the client and check our mapping only.
// The shared contract suite runs against a real server when EVENTSTORE_CONNECTION_STRING is set.
import {
  AccessDeniedError,
  ANY,
  CancelledError,
  DeadlineExceededError,
  NO_STREAM,
  NotLeaderError,
  STREAM_EXISTS,
  StreamDeletedError,
  StreamNotFoundError as EsdbStreamNotFoundError,
  TimeoutError,
  UnavailableError,
  UnknownError,
  WrongExpectedVersionError,
} from '@eventstore/db-client';
import type { AllStreamResolvedEvent } from '@eventstore/db-client';
import { ConcurrencyError, StoreUnavailableError, StreamNotFoundError } from '../../event-store.errors';
import {
  isRetryableDrop,
  isSystemEvent,
  positionOf,
  toEsdbEvent,
  toEsdbExpectedRevision,
  toEsdbPosition,
  toPortError,
  toRecordedEvent,
} from './esdb-mapping';

function resolved(overrides: Partial<NonNullable<AllStreamResolvedEvent['event']>> = {}): AllStreamResolvedEvent {
  return {
    event: {
      streamId: 'recommendation-1',
      id: '8d2c3b0e-4b7a-4f7e-9a55-0c6d9a1f2b11',
      isJson: true,
      revision: 3n,
      type: 'RecommendationAccepted',
      created: new Date('2026-03-02T01:02:03.004Z'),
      data: { note: 'ok' },
      metadata: { actor: 'u1' },
      position: { commit: 4242n, prepare: 4242n },
      ...overrides,
    } as AllStreamResolvedEvent['event'],
  };
}

describe('expected revision', () => {
  it.each([
    ['any', ANY],
    ['no_stream', NO_STREAM],
    ['stream_exists', STREAM_EXISTS],
    [7n, 7n],
  ] as const)('%s maps to %s', (ours, theirs) => {
    expect(toEsdbExpectedRevision(ours)).toBe(theirs);
  });
});

describe('events and positions', () => {
  it('writes a JSON event with our id, type, data and metadata', () => {
    const event = toEsdbEvent({ id: 'c3f1a1de-1111-4c4c-8d8d-222233334444', type: 'T', data: { a: 1 }, metadata: { m: 2 } });
    expect(event).toEqual({
      id: 'c3f1a1de-1111-4c4c-8d8d-222233334444',
      contentType: 'application/json',
      type: 'T',
      data: { a: 1 },
      metadata: { m: 2 },
    });
  });

  it('reads a resolved event as a RecordedEvent with its commit position and creation date', () => {
    expect(toRecordedEvent(resolved())).toEqual({
      id: '8d2c3b0e-4b7a-4f7e-9a55-0c6d9a1f2b11',
      stream: 'recommendation-1',
      type: 'RecommendationAccepted',
      data: { note: 'ok' },
      metadata: { actor: 'u1' },
      revision: 3n,
      position: 4242n,
      recordedAt: new Date('2026-03-02T01:02:03.004Z'),
    });
  });

  it('reads absent metadata as an empty object', () => {
    expect(toRecordedEvent(resolved({ metadata: undefined })).metadata).toEqual({});
  });

  it('refuses events that are not JSON objects, which this service never writes', () => {
    const binary = resolved({ isJson: false, data: new Uint8Array([1]) } as never);
    expect(() => toRecordedEvent(binary)).toThrow(/not a JSON object/);
    expect(() => toRecordedEvent(resolved({ data: ['a'] }))).toThrow(/not a JSON object/);
  });

  it('takes the position from the record, else from the resolved event, and refuses none', () => {
    expect(positionOf(resolved())).toBe(4242n);
    expect(positionOf({ ...resolved({ position: undefined } as never), commitPosition: 77n })).toBe(77n);
    const noPosition = { ...resolved({ position: { commit: 2n ** 64n - 1n, prepare: 2n ** 64n - 1n } }) };
    expect(() => positionOf(noPosition)).toThrow(/22\.6/);
  });

  it('reads from a position as the commit/prepare pair of an implicit transaction', () => {
    expect(toEsdbPosition(1234n)).toEqual({ commit: 1234n, prepare: 1234n });
  });

  it('tells system events apart by type or by stream', () => {
    expect(isSystemEvent(resolved())).toBe(false);
    expect(isSystemEvent(resolved({ type: '$metadata' }))).toBe(true);
    expect(isSystemEvent(resolved({ streamId: '$settings', type: 'Settings' }))).toBe(true);
    expect(isSystemEvent({})).toBe(true);
  });
});

describe('errors', () => {
  it('wrong expected version becomes ConcurrencyError with the actual revision', () => {
    const error = new WrongExpectedVersionError(undefined, { streamName: 's', expected: 0n, current: 2n });
    const mapped = toPortError(error, { stream: 's', expected: 0n });
    expect(mapped).toBeInstanceOf(ConcurrencyError);
    expect(mapped).toMatchObject({ stream: 's', expected: 0n, actual: 2n });
  });

  it('wrong expected version on a missing stream has actual no_stream', () => {
    const error = new WrongExpectedVersionError(undefined, { streamName: 's', expected: STREAM_EXISTS, current: NO_STREAM });
    expect(toPortError(error)).toMatchObject({ stream: 's', expected: 'stream_exists', actual: 'no_stream' });
  });

  it('a missing stream becomes our StreamNotFoundError', () => {
    const mapped = toPortError(new EsdbStreamNotFoundError(undefined, 'gone'), { stream: 'gone' });
    expect(mapped).toBeInstanceOf(StreamNotFoundError);
    expect(mapped).toMatchObject({ stream: 'gone' });
  });

  it('a deleted stream reads as not found, but an append to it is not hidden', () => {
    const deleted = StreamDeletedError.fromStreamName('x');
    expect(toPortError(deleted, { stream: 'x' })).toBeInstanceOf(StreamNotFoundError);
    expect(toPortError(deleted, { stream: 'x', expected: 'any' })).toBe(deleted);
  });

  it.each([
    ['unavailable', new UnavailableError()],
    ['deadline exceeded', new DeadlineExceededError()],
    ['server timeout', new TimeoutError()],
    ['cancelled by the server', new CancelledError()],
    // Its constructor needs gRPC metadata naming the leader; the adapter only checks the class.
    ['not leader', Object.create(NotLeaderError.prototype) as Error],
    ['cluster discovery', new Error('Failed to discover after 10 attempts.')],
    // What an append rejects with when nothing listens: the raw gRPC error, status 14.
    [
      'refused connection',
      Object.assign(new Error('14 UNAVAILABLE: No connection established'), { code: 14, details: 'No connection established' }),
    ],
  ])('%s becomes StoreUnavailableError with the cause', (_name, error) => {
    const mapped = toPortError(error);
    expect(mapped).toBeInstanceOf(StoreUnavailableError);
    expect((mapped as Error).cause).toBeInstanceOf(Error);
    expect((mapped as Error).message).toContain(error.message);
  });

  it('anything else is passed on unchanged', () => {
    const denied = new AccessDeniedError();
    const plain = new Error('boom');
    expect(toPortError(denied)).toBe(denied);
    expect(toPortError(plain)).toBe(plain);
  });

  it('re-subscribes after server or connection failures only', () => {
    expect(isRetryableDrop(new UnavailableError())).toBe(true);
    expect(isRetryableDrop(new UnknownError())).toBe(true);
    expect(isRetryableDrop(new StoreUnavailableError('ended'))).toBe(true);
    expect(isRetryableDrop(Object.assign(new Error('closed'), { code: 'ERR_STREAM_PREMATURE_CLOSE' }))).toBe(true);
    expect(isRetryableDrop(new AccessDeniedError())).toBe(false);
    expect(isRetryableDrop(new Error('event is not a JSON object'))).toBe(false);
  });
});
