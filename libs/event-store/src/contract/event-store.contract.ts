import { randomUUID } from 'node:crypto';
import { ConcurrencyError, StreamNotFoundError } from '../event-store.errors';
import type { EventStore, NewEvent, RecordedEvent } from '../event-store.port';

export type EventStoreFactory = () => Promise<{ store: EventStore; cleanup: () => Promise<void> }>;

/** A new event of type `type` with `data.n = n`. */
export function anEvent(n: number, type = 'Counted'): NewEvent {
  return { id: randomUUID(), type, data: { n }, metadata: { test: true } };
}

/** Collects events from a subscription until `until` holds, or fails after `timeoutMs`. */
export async function collect(
  iterable: AsyncIterable<RecordedEvent>,
  keep: (event: RecordedEvent) => boolean,
  until: (kept: RecordedEvent[]) => boolean,
  timeoutMs = 10_000,
): Promise<RecordedEvent[]> {
  const kept: RecordedEvent[] = [];
  const deadline = Date.now() + timeoutMs;
  for await (const event of iterable) {
    if (keep(event)) kept.push(event);
    if (until(kept)) return kept;
    if (Date.now() > deadline) break;
  }
  throw new Error(`subscription ended with ${kept.length} events before the condition held`);
}

/**
 * The behaviour every adapter of the event store port must show. Streams get random names
 * and global-order checks look only at this run's streams, so a shared server works too.
 */
export function runEventStoreContract(adapterName: string, factory: EventStoreFactory): void {
  describe(`EventStore contract: ${adapterName}`, () => {
    let store: EventStore;
    let cleanup: () => Promise<void>;
    let prefix: string;
    const streamName = (name: string) => `${prefix}-${name}`;
    const mine = (event: RecordedEvent) => event.stream.startsWith(prefix);

    beforeEach(async () => {
      ({ store, cleanup } = await factory());
      prefix = `t${randomUUID().replace(/-/g, '').slice(0, 12)}`;
    });
    afterEach(async () => {
      await cleanup();
    });

    describe('expected revision', () => {
      it('no_stream creates a stream once and refuses the second time', async () => {
        const s = streamName('a');
        const first = await store.append(s, [anEvent(0), anEvent(1)], 'no_stream');
        expect(first.nextRevision).toBe(1n);
        await expect(store.append(s, [anEvent(2)], 'no_stream')).rejects.toMatchObject({
          constructor: ConcurrencyError,
          stream: s,
          expected: 'no_stream',
          actual: 1n,
        });
      });

      it('a revision must equal the last event revision', async () => {
        const s = streamName('b');
        await store.append(s, [anEvent(0)], 'no_stream');
        const next = await store.append(s, [anEvent(1)], 0n);
        expect(next.nextRevision).toBe(1n);
        const error = await store.append(s, [anEvent(2)], 0n).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(ConcurrencyError);
        expect(error).toMatchObject({ expected: 0n, actual: 1n });
      });

      it('a revision on a missing stream is a conflict with actual no_stream', async () => {
        const error = await store.append(streamName('c'), [anEvent(0)], 0n).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(ConcurrencyError);
        expect(error).toMatchObject({ actual: 'no_stream' });
      });

      it('stream_exists refuses a missing stream and accepts an existing one', async () => {
        const s = streamName('d');
        await expect(store.append(s, [anEvent(0)], 'stream_exists')).rejects.toBeInstanceOf(ConcurrencyError);
        await store.append(s, [anEvent(0)], 'any');
        const result = await store.append(s, [anEvent(1)], 'stream_exists');
        expect(result.nextRevision).toBe(1n);
      });

      it('a refused append writes nothing', async () => {
        const s = streamName('e');
        await store.append(s, [anEvent(0)], 'no_stream');
        await expect(store.append(s, [anEvent(1), anEvent(2)], 5n)).rejects.toBeInstanceOf(ConcurrencyError);
        expect(await store.readStream(s)).toHaveLength(1);
      });
    });

    describe('idempotent event ids', () => {
      it('appending the same events again is a no-op returning the original result', async () => {
        const s = streamName('idem');
        const events = [anEvent(0), anEvent(1)];
        const first = await store.append(s, events, 'no_stream');
        const again = await store.append(s, events, 'no_stream');
        expect(again).toEqual(first);
        expect(await store.readStream(s)).toHaveLength(2);
      });
    });

    describe('reading', () => {
      it('reads a stream forwards and backwards with ranges', async () => {
        const s = streamName('read');
        await store.append(
          s,
          [0, 1, 2, 3, 4].map((n) => anEvent(n)),
          'no_stream',
        );
        const all = await store.readStream(s);
        expect(all.map((e) => e.data.n)).toEqual([0, 1, 2, 3, 4]);
        expect(all.map((e) => e.revision)).toEqual([0n, 1n, 2n, 3n, 4n]);
        expect(all.every((e) => e.stream === s && e.metadata.test === true)).toBe(true);
        const middle = await store.readStream(s, { fromRevision: 1n, maxCount: 2 });
        expect(middle.map((e) => e.data.n)).toEqual([1, 2]);
        const back = await store.readStream(s, { direction: 'backwards', maxCount: 2 });
        expect(back.map((e) => e.data.n)).toEqual([4, 3]);
        const backFrom = await store.readStream(s, { direction: 'backwards', fromRevision: 2n });
        expect(backFrom.map((e) => e.data.n)).toEqual([2, 1, 0]);
      });

      it('reading a missing stream is StreamNotFoundError', async () => {
        await expect(store.readStream(streamName('none'))).rejects.toBeInstanceOf(StreamNotFoundError);
      });

      it('keeps global order across streams, with increasing positions', async () => {
        const a = streamName('ga');
        const b = streamName('gb');
        const r1 = await store.append(a, [anEvent(1)], 'any');
        const r2 = await store.append(b, [anEvent(2)], 'any');
        const r3 = await store.append(a, [anEvent(3)], 'any');
        expect(r1.position < r2.position && r2.position < r3.position).toBe(true);
        const log = (await store.readAll({ fromPosition: r1.position })).filter(mine);
        expect(log.map((e) => e.data.n)).toEqual([1, 2, 3]);
        expect(log.map((e) => e.position)).toEqual([r1.position, r2.position, r3.position]);
        const fromSecond = (await store.readAll({ fromPosition: r2.position, maxCount: 1 })).filter(mine);
        expect(fromSecond.map((e) => e.data.n)).toEqual([2]);
        expect(await store.headPosition()).toBeGreaterThanOrEqual(r3.position);
      });
    });

    describe('subscriptions', () => {
      it('catches up, then delivers live events, in order, once each', async () => {
        const s = streamName('sub');
        const first = await store.append(s, [anEvent(0), anEvent(1)], 'no_stream');
        const [firstEvent] = await store.readStream(s);
        expect(first.nextRevision).toBe(1n);
        const subscription = store.subscribe({ fromPosition: firstEvent.position });
        const received = collect(subscription, mine, (kept) => kept.length >= 5);
        await store.append(s, [anEvent(2)], 1n);
        await store.append(s, [anEvent(3), anEvent(4)], 2n);
        const events = await received;
        await subscription.stop();
        expect(events.map((e) => e.data.n)).toEqual([0, 1, 2, 3, 4]);
      });

      it('resumes from a position, inclusive', async () => {
        const s = streamName('resume');
        await store.append(s, [anEvent(0), anEvent(1), anEvent(2)], 'no_stream');
        const [, second] = await store.readStream(s);
        const subscription = store.subscribe({ fromPosition: second.position });
        const events = await collect(subscription, mine, (kept) => kept.length >= 2);
        await subscription.stop();
        expect(events.map((e) => e.data.n)).toEqual([1, 2]);
      });

      it('resumes after a checkpoint, exclusive, for subscriptions and reads', async () => {
        const s = streamName('after');
        await store.append(s, [anEvent(0), anEvent(1), anEvent(2)], 'no_stream');
        const [first] = await store.readStream(s);
        const subscription = store.subscribe({ afterPosition: first.position });
        const events = await collect(subscription, mine, (kept) => kept.length >= 2);
        await subscription.stop();
        expect(events.map((e) => e.data.n)).toEqual([1, 2]);
        const read = (await store.readAll({ afterPosition: first.position })).filter(mine);
        expect(read.map((e) => e.data.n)).toEqual([1, 2]);
      });

      it('stop ends a waiting iteration', async () => {
        const subscription = store.subscribe({ fromPosition: (await store.headPosition()) + 1n });
        const ended = (async () => {
          for await (const event of subscription) void event;
          return 'ended';
        })();
        await subscription.stop();
        await expect(ended).resolves.toBe('ended');
      });
    });

    describe('concurrency', () => {
      it('concurrent appenders at one revision: exactly one wins', async () => {
        const s = streamName('race');
        await store.append(s, [anEvent(0)], 'no_stream');
        const results = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => store.append(s, [anEvent(i + 1)], 0n)));
        const won = results.filter((r) => r.status === 'fulfilled');
        const lost = results.filter((r) => r.status === 'rejected');
        expect(won).toHaveLength(1);
        expect(lost.every((r) => r.status === 'rejected' && r.reason instanceof ConcurrencyError)).toBe(true);
        expect(await store.readStream(s)).toHaveLength(2);
      });

      it('many streams in parallel all commit with gap-free revisions', async () => {
        const streams = Array.from({ length: 20 }, (_, i) => streamName(`p${i}`));
        await Promise.all(
          streams.map(async (s) => {
            for (let revision = 0; revision < 5; revision++) {
              await store.append(s, [anEvent(revision)], revision === 0 ? 'no_stream' : BigInt(revision - 1));
            }
          }),
        );
        for (const s of streams) {
          const events = await store.readStream(s);
          expect(events.map((e) => e.revision)).toEqual([0n, 1n, 2n, 3n, 4n]);
        }
        const positions = (await store.readAll({})).filter(mine).map((e) => e.position);
        expect(positions).toHaveLength(100);
        expect([...positions].sort((x, y) => (x < y ? -1 : 1))).toEqual(positions);
      });
    });
  });
}
