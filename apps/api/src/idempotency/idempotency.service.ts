import { BadRequestException, Inject, Injectable } from '@nestjs/common';
import {
  canonicalJson,
  ConcurrencyError,
  EVENT_STORE,
  EventStreamRepository,
  sha256,
  type EventStore,
  type EventContext,
} from '@app/event-store';
import { IdempotencyKeyReusedError } from '../errors/api-errors';

/** Answer stored for a key: replayed as it was the first time. */
export interface StoredAnswer {
  statusCode: number;
  body: Record<string, unknown>;
}

export interface IdempotentRequest {
  /** Who sent it: keys are scoped to the caller. */
  sub: string;
  key: string;
  method: string;
  path: string;
  body: unknown;
}

export const IDEMPOTENCY_STREAM_PREFIX = 'idempotency-';
const MAX_KEY_LENGTH = 200;

/**
 * `Idempotency-Key` support, kept durably in the event store itself (one small stream per caller
 * and key), so it works the same on every adapter and survives restarts. The command's events get
 * ids derived from the key, so even two concurrent retries append once.
 */
@Injectable()
export class IdempotencyService {
  private readonly repository: EventStreamRepository;

  constructor(@Inject(EVENT_STORE) store: EventStore) {
    this.repository = new EventStreamRepository(store);
  }

  async run(
    request: IdempotentRequest,
    context: Omit<EventContext, 'idempotencyKey'>,
    execute: (idSeed: string) => Promise<StoredAnswer>,
  ): Promise<StoredAnswer> {
    if (request.key.length === 0 || request.key.length > MAX_KEY_LENGTH) {
      throw new BadRequestException({
        code: 'VALIDATION.IDEMPOTENCY_KEY',
        message: `Idempotency-Key must have 1 to ${MAX_KEY_LENGTH} characters`,
      });
    }
    const seed = sha256(`${request.sub}\n${request.key}`);
    const stream = `${IDEMPOTENCY_STREAM_PREFIX}${seed}`;
    const fingerprint = sha256(`${request.method} ${request.path}\n${canonicalJson(request.body ?? {})}`);

    // The key is claimed for this request (its fingerprint) before anything runs, so a concurrent
    // request with the same key but another body is refused instead of taking this one's answer.
    const claimed = await this.claim(stream, fingerprint, { ...context, idempotencyKey: request.key });
    if (claimed.answer) return claimed.answer;
    const answer = await execute(seed);
    const loaded = await this.repository.load(stream);
    const done = this.answerIn(loaded.events);
    if (done) return done;
    try {
      await this.repository.append(
        stream,
        loaded,
        [{ type: 'IdempotentRequestCompleted', data: { fingerprint, statusCode: answer.statusCode, body: answer.body } }],
        { ...context, idempotencyKey: request.key },
        `${seed}:answer`,
      );
    } catch (error) {
      if (!(error instanceof ConcurrencyError)) throw error;
      // A concurrent retry of the same request recorded its answer first; both carry the same events.
      return this.answerIn((await this.repository.load(stream)).events) ?? answer;
    }
    return answer;
  }

  /** Claims the key for `fingerprint`, or finds who claimed it: the same request (maybe answered) or another (409). */
  private async claim(stream: string, fingerprint: string, context: EventContext): Promise<{ answer: StoredAnswer | null }> {
    for (;;) {
      const loaded = await this.repository.load(stream);
      const claim = loaded.events[0];
      if (claim) {
        if (claim.data.fingerprint !== fingerprint) throw new IdempotencyKeyReusedError();
        return { answer: this.answerIn(loaded.events) };
      }
      try {
        // A random event id: two different requests racing for the key must conflict, not merge.
        await this.repository.append(stream, loaded, [{ type: 'IdempotencyKeyClaimed', data: { fingerprint } }], context);
        return { answer: null };
      } catch (error) {
        if (!(error instanceof ConcurrencyError)) throw error;
      }
    }
  }

  private answerIn(events: ReadonlyArray<{ type: string; data: Record<string, unknown> }>): StoredAnswer | null {
    const record = events.find((e) => e.type === 'IdempotentRequestCompleted');
    return record ? { statusCode: Number(record.data.statusCode), body: record.data.body as Record<string, unknown> } : null;
  }
}
