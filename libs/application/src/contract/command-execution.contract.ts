import { randomUUID } from 'node:crypto';
import { Directory, ManualClock, provinceCalendar } from '@app/common';
import {
  ConcurrencyError,
  InvalidAppendError,
  StreamNotFoundError,
  type AppendResult,
  type EventStore,
  type EventSubscription,
  type ExpectedRevision,
  type NewEvent,
  type ReadAllOptions,
  type ReadStreamOptions,
  type RecordedEvent,
  type SubscribeOptions,
} from '@app/event-store';
import { DomainError, ErrorCodes, recommendationStream, type Actor } from '@app/recommendations';
import { DUE_AT, HOUR, NOW, department, secretariat } from '../../../recommendations/src/testing/recommendation.builder';
import { asApplicationError, IdempotencyKeyReusedError, StaleRevisionError } from '../application.errors';
import type { CommandResult } from '../command-executor';
import type { CommandInput } from '../command-input';
import { createApplication, type Application } from '../create-application';
import type { CommandOptions } from '../recommendation-commands';
import { isUuid } from '../ids';

/** A store opened for one test, and how to throw it away. */
export interface StoreUnderTest {
  store: EventStore;
  cleanup: () => Promise<void>;
}

/**
 * The real store with a starting gate for races: once {@link race} is called, the next `n` appends
 * wait until all `n` have been asked for, so every one of them was decided before any was written
 * and they meet at the store, whatever its latency. It also counts the appends the store refuses
 * as conflicts. Everything else goes straight to the store.
 */
class RacingStore implements EventStore {
  conflicts = 0;
  private gate: { left: number; opened: Promise<void>; open: () => void } | null = null;

  constructor(private readonly store: EventStore) {}

  race(n: number): void {
    let open!: () => void;
    const opened = new Promise<void>((resolve) => (open = resolve));
    this.gate = { left: n, opened, open };
  }

  async append(stream: string, events: readonly NewEvent[], expected: ExpectedRevision): Promise<AppendResult> {
    const gate = this.gate;
    if (gate) {
      gate.left -= 1;
      if (gate.left === 0) {
        this.gate = null;
        gate.open();
      }
      await gate.opened;
    }
    try {
      return await this.store.append(stream, events, expected);
    } catch (error) {
      if (error instanceof ConcurrencyError) this.conflicts += 1;
      throw error;
    }
  }

  readStream(stream: string, options?: ReadStreamOptions): Promise<RecordedEvent[]> {
    return this.store.readStream(stream, options);
  }
  readAll(options?: ReadAllOptions): Promise<RecordedEvent[]> {
    return this.store.readAll(options);
  }
  subscribe(options?: SubscribeOptions): EventSubscription {
    return this.store.subscribe(options);
  }
  headPosition(): Promise<bigint> {
    return this.store.headPosition();
  }
  close(): Promise<void> {
    return this.store.close();
  }
}

const raiseInput: CommandInput = {
  type: 'RaiseRecommendation',
  commune: 'tam-thanh',
  title: 'Invest in a centralized headquarters for Tam Thanh ward',
  description: 'The ward works from headquarters scattered over several locations.',
  category: 'headquarters',
  workingGroup: 1,
  sessionDate: '2025-08-04',
};
const HOME_AFFAIRS = 'home-affairs';

/**
 * Command execution as every way in relies on it, over one adapter of the event store: deciding
 * again after a conflict, If-Match, idempotent replay with an id seed, a new item's id. It goes
 * through the application's one way in ({@link Application.commands}), on the real store; races
 * are two applications on one store, as two processes would be. Ids and seeds are new in every
 * test, so a shared server works too.
 */
export function runCommandExecutionContract(adapterName: string, factory: () => Promise<StoreUnderTest>): void {
  describe(`Command execution contract: ${adapterName}`, () => {
    const directory = Directory.load();
    const calendar = provinceCalendar();
    let subject: StoreUnderTest;
    let store: RacingStore;
    let clock: ManualClock;
    /** An application over the store: a process of its own, with its own per-item queue and cache. */
    const anApplication = (): Application => createApplication(store, { directory, calendar, clock });

    beforeEach(async () => {
      subject = await factory();
      store = new RacingStore(subject.store);
      clock = new ManualClock(new Date(NOW));
    });
    afterEach(() => subject.cleanup());

    const run = (app: Application, input: CommandInput, actor: Actor, options?: CommandOptions) =>
      app.commands.execute(input, actor, options);
    const raise = (app: Application, options?: CommandOptions) => run(app, raiseInput, secretariat(), options);
    const accept = (app: Application, id: string, options?: CommandOptions) =>
      run(app, { type: 'AcceptRecommendation', recommendationId: id, note: null }, secretariat(), options);
    const decline = (app: Application, id: string, options?: CommandOptions) =>
      run(app, { type: 'DeclineRecommendation', recommendationId: id, reason: 'Already planned' }, secretariat(), options);
    const assign = (app: Application, id: string, options?: CommandOptions) =>
      run(
        app,
        {
          type: 'AssignRecommendation',
          recommendationId: id,
          department: HOME_AFFAIRS,
          due: { dueAt: DUE_AT },
          instructions: null,
        },
        secretariat(),
        options,
      );
    const report = (app: Application, id: string, note: string) =>
      run(app, { type: 'ReportProgress', recommendationId: id, note }, department(HOME_AFFAIRS));

    /** The item's stream as `revision type` lines; empty when it holds nothing. */
    async function history(id: string): Promise<string[]> {
      try {
        return (await subject.store.readStream(recommendationStream(id))).map((e) => `${e.revision} ${e.type}`);
      } catch (error) {
        if (error instanceof StreamNotFoundError) return [];
        throw error;
      }
    }

    describe('without If-Match, a conflict is decided again on the new state', () => {
      it('two executors racing on one item both succeed, with gap-free revisions', async () => {
        const [a, b] = [anApplication(), anApplication()];
        const { id } = await raise(a);
        await accept(a, id);
        await assign(a, id);
        store.race(2);
        const results = await Promise.all([0, 1, 2, 3, 4, 5].map((i) => report(i % 2 === 0 ? a : b, id, `report ${i}`)));

        expect(store.conflicts).toBeGreaterThan(0);
        expect(results.map((r) => r.revision).sort((x, y) => x - y)).toEqual([3, 4, 5, 6, 7, 8]);
        const events = await subject.store.readStream(recommendationStream(id));
        expect(events.map((e) => e.revision)).toEqual([0n, 1n, 2n, 3n, 4n, 5n, 6n, 7n, 8n]);
        // Each answer names the event its own command appended.
        results.forEach((result, i) => {
          const event = events[result.revision];
          expect([event.type, event.data.note]).toEqual(['ProgressReported', `report ${i}`]);
          expect(result).toEqual({ id, revision: Number(event.revision), position: Number(event.position), status: 'assigned' });
        });
      });

      it('a command the winner made invalid is refused by the domain on retry, and appends nothing', async () => {
        const [a, b] = [anApplication(), anApplication()];
        const { id } = await raise(a);
        store.race(2);
        const [accepted, declined] = await Promise.allSettled([accept(a, id), decline(b, id)]);

        expect(store.conflicts).toBe(1);
        const outcomes = [accepted, declined];
        expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
        const refused = outcomes.find((o) => o.status === 'rejected');
        expect(refused?.status === 'rejected' && refused.reason).toMatchObject({
          constructor: DomainError,
          code: ErrorCodes.invalidTransition,
        });
        expect(await history(id)).toHaveLength(2);
      });
    });

    describe('If-Match', () => {
      it('the current revision is applied; a stale one is StaleRevisionError and appends nothing', async () => {
        const app = anApplication();
        const { id } = await raise(app);
        expect(await accept(app, id, { ifMatch: 0 })).toMatchObject({ revision: 1, status: 'accepted' });

        const error = await assign(app, id, { ifMatch: 0 }).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(StaleRevisionError);
        expect(error).toMatchObject({ code: 'RECOMMENDATION.STALE_REVISION', kind: 'stale', expected: 0, actual: 1 });
        expect(await history(id)).toEqual(['0 RecommendationRaised', '1 RecommendationAccepted']);
      });

      it('an If-Match on an item with no event is stale against no revision', async () => {
        const error = await accept(anApplication(), randomUUID(), { ifMatch: 0 }).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(StaleRevisionError);
        expect(error).toMatchObject({ expected: 0, actual: null });
      });

      it('two executors with the same If-Match: one is applied, the other is stale and appends nothing', async () => {
        const [a, b] = [anApplication(), anApplication()];
        const { id } = await raise(a);
        await accept(a, id);
        await assign(a, id);
        store.race(2);
        const outcomes = await Promise.allSettled([
          run(a, { type: 'ReportProgress', recommendationId: id, note: 'from a' }, department(HOME_AFFAIRS), { ifMatch: 2 }),
          run(b, { type: 'ReportProgress', recommendationId: id, note: 'from b' }, department(HOME_AFFAIRS), { ifMatch: 2 }),
        ]);

        // Both decided on revision 2: the store refused the loser's append, which is then stale.
        expect(store.conflicts).toBe(1);
        expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
        const stale = outcomes.find((o) => o.status === 'rejected');
        expect(stale?.status === 'rejected' && stale.reason).toMatchObject({
          constructor: StaleRevisionError,
          expected: 2,
          actual: 3,
        });
        expect(await history(id)).toHaveLength(4);
      });
    });

    describe('idempotent replay with an id seed', () => {
      it('the same seed twice appends once and answers the same, even decided again later in another process', async () => {
        const a = anApplication();
        const { id } = await raise(a);
        const idSeed = randomUUID();
        const first = await accept(a, id, { idSeed });
        clock.advance(HOUR);
        expect(await accept(a, id, { idSeed })).toEqual(first);
        expect(await accept(anApplication(), id, { idSeed })).toEqual(first);
        expect(await history(id)).toEqual(['0 RecommendationRaised', '1 RecommendationAccepted']);
      });

      it('two executors racing with one seed append once and answer the same', async () => {
        const [a, b] = [anApplication(), anApplication()];
        const { id } = await raise(a);
        const idSeed = randomUUID();
        store.race(2);
        const [fromA, fromB] = await Promise.all([accept(a, id, { idSeed }), accept(b, id, { idSeed })]);

        expect(fromB).toEqual(fromA);
        expect(fromA).toMatchObject({ id, revision: 1, status: 'accepted' });
        expect(await history(id)).toEqual(['0 RecommendationRaised', '1 RecommendationAccepted']);
      });

      it('a seed reused for a command on another item is refused, and nothing is appended', async () => {
        const app = anApplication();
        const [{ id: first }, { id: second }] = [await raise(app), await raise(app)];
        const idSeed = randomUUID();
        await accept(app, first, { idSeed });

        const error = await accept(app, second, { idSeed }).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(InvalidAppendError);
        expect(asApplicationError(error)).toMatchObject({ code: 'EVENT_STORE.INVALID_APPEND', kind: 'conflict' });
        expect(await history(second)).toEqual(['0 RecommendationRaised']);
      });

      it('a seed reused for another command on the same item is refused, nothing appended', async () => {
        const app = anApplication();
        const { id } = await raise(app);
        const idSeed = randomUUID();
        await accept(app, id, { idSeed });

        await expect(assign(app, id, { idSeed })).rejects.toBeInstanceOf(Error);
        expect(await history(id)).toEqual(['0 RecommendationRaised', '1 RecommendationAccepted']);
      });
    });

    describe('Idempotency-Key', () => {
      const request = (key: string, id: string) => ({
        actor: secretariat(),
        key,
        method: 'POST',
        path: `/recommendations/${id}/accept`,
        body: { note: null },
      });
      const context = { actor: { ...secretariat() }, occurredAt: NOW, correlationId: 'c', causationId: 'c' };
      const acceptUnder = (app: Application, key: string, id: string) =>
        app.idempotency.run(request(key, id), context, async (idSeed) => {
          const result: CommandResult = await accept(app, id, { idSeed, idempotencyKey: key });
          return { statusCode: 200, body: { ...result } };
        });

      it('one key, one request twice: applied once, answered the same', async () => {
        const app = anApplication();
        const { id } = await raise(app);
        const key = randomUUID();
        const first = await acceptUnder(app, key, id);
        expect(await acceptUnder(anApplication(), key, id)).toEqual(first);
        expect(await history(id)).toEqual(['0 RecommendationRaised', '1 RecommendationAccepted']);
      });

      it('one key for two items at once: one is applied, the other is KEY_REUSED and appends nothing', async () => {
        const [a, b] = [anApplication(), anApplication()];
        const [{ id: first }, { id: second }] = [await raise(a), await raise(a)];
        const key = randomUUID();
        store.race(2);
        const outcomes = await Promise.allSettled([acceptUnder(a, key, first), acceptUnder(b, key, second)]);

        expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
        const refused = outcomes.find((o) => o.status === 'rejected');
        expect(refused?.status === 'rejected' && refused.reason).toBeInstanceOf(IdempotencyKeyReusedError);
        const histories = [await history(first), await history(second)].map((h) => h.length).sort();
        expect(histories).toEqual([1, 2]);
      });
    });

    describe("a new item's id", () => {
      it('comes from the seed: the same seed names the same item in any process, another seed another item', async () => {
        const [seed, other] = [randomUUID(), randomUUID()];
        const first = await raise(anApplication(), { idSeed: seed });
        const again = await raise(anApplication(), { idSeed: seed });
        const another = await raise(anApplication(), { idSeed: other });

        expect(isUuid(first.id)).toBe(true);
        expect(again).toEqual(first);
        expect(another.id).not.toBe(first.id);
        expect(await history(first.id)).toEqual(['0 RecommendationRaised']);
        expect(await history(another.id)).toEqual(['0 RecommendationRaised']);
      });

      it('is new every time without a seed', async () => {
        const app = anApplication();
        const [first, second] = [await raise(app), await raise(app)];
        expect(isUuid(first.id)).toBe(true);
        expect(second.id).not.toBe(first.id);
        expect(await history(first.id)).toEqual(['0 RecommendationRaised']);
        expect(await history(second.id)).toEqual(['0 RecommendationRaised']);
      });
    });
  });
}
