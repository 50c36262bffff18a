import {
  canonicalJson,
  ConcurrencyError,
  genesisHash,
  InvalidAppendError,
  EventStreamRepository,
  sha256,
  type EventStore,
  type EventContext,
} from '@app/event-store';
import type { Actor } from '@app/recommendations';
import { IdempotencyKeyReusedError, InvalidInputError } from './application.errors';

/** Answer stored for a key: replayed as it was the first time. */
export interface StoredAnswer {
  statusCode: number;
  body: Record<string, unknown>;
}

export interface IdempotentRequest {
  /**
   * Who sent it. Keys are scoped to the caller's `sub`, and belong to the whole actor: the same
   * user with another role, department or commune does not get the stored answer replayed.
   */
  actor: Actor;
  key: string;
  method: string;
  path: string;
  body: unknown;
}

export const IDEMPOTENCY_STREAM_PREFIX = 'idempotency-';
const MAX_KEY_LENGTH = 200;
/** Schema of the IdempotentRequestCompleted event; unchanged since it was first written. */
const IDEMPOTENCY_SCHEMA_VERSION = 2;

/**
 * `Idempotency-Key` support, kept durably in the event store itself (one small stream per caller
 * and key), so it works the same on every adapter and survives restarts. The command's events get
 * ids derived from the key, so even two concurrent retries append once.
 */
export class IdempotentRequests {
  private readonly repository: EventStreamRepository;

  constructor(store: EventStore) {
    this.repository = new EventStreamRepository(store, IDEMPOTENCY_SCHEMA_VERSION);
  }

  async run(
    request: IdempotentRequest,
    context: Omit<EventContext, 'idempotencyKey'>,
    execute: (idSeed: string) => Promise<StoredAnswer>,
  ): Promise<StoredAnswer> {
    if (request.key.length === 0 || request.key.length > MAX_KEY_LENGTH) {
      throw new InvalidInputError('VALIDATION.IDEMPOTENCY_KEY', `Idempotency-Key must have 1 to ${MAX_KEY_LENGTH} characters`);
    }
    const { sub, role, department, commune } = request.actor;
    const authority = canonicalJson({ role, department: department ?? null, commune: commune ?? null });
    const stream = `${IDEMPOTENCY_STREAM_PREFIX}${sha256(`${sub}\n${request.key}`)}`;
    const fingerprint = sha256(`${request.method} ${request.path}\n${canonicalJson(request.body ?? {})}\n${authority}`);
    // The events' ids derive from the actor too, so a command appended for one role is never
    // taken for the same command of another (the executor replays what it finds under these ids).
    const idSeed = sha256(`${sub}\n${request.key}\n${authority}`);

    const earlier = await this.stored(stream, fingerprint);
    if (earlier) return earlier;
    let answer: StoredAnswer;
    try {
      answer = await execute(idSeed);
    } catch (error) {
      // Events with this key's ids but other content are already in the stream: another request.
      if (error instanceof InvalidAppendError) throw new IdempotencyKeyReusedError();
      throw error;
    }
    try {
      // A random event id: two requests racing to record an answer for one key must conflict, so
      // the loser sees the winner's fingerprint (KEY_REUSED when its own request differs).
      await this.repository.append(
        stream,
        { revision: null, lastHash: genesisHash(stream) },
        [{ type: 'IdempotentRequestCompleted', data: { fingerprint, statusCode: answer.statusCode, body: answer.body } }],
        { ...context, idempotencyKey: request.key },
      );
    } catch (error) {
      if (!(error instanceof ConcurrencyError)) throw error;
      return (await this.stored(stream, fingerprint)) ?? answer;
    }
    return answer;
  }

  /** The answer recorded for this key, if any; another request's fingerprint is KEY_REUSED. */
  private async stored(stream: string, fingerprint: string): Promise<StoredAnswer | null> {
    const { events } = await this.repository.load(stream);
    const record = events[0];
    if (!record) return null;
    if (record.data.fingerprint !== fingerprint) throw new IdempotencyKeyReusedError();
    return { statusCode: Number(record.data.statusCode), body: record.data.body as Record<string, unknown> };
  }
}
