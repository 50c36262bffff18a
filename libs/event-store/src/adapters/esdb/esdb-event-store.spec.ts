// EventStoreDB cannot run on this machine; these tests stub the client and check our mapping only.
// The shared contract suite runs against a real server when EVENTSTORE_CONNECTION_STRING is set.
import { Readable } from 'node:stream';
import {
  AccessDeniedError,
  BACKWARDS,
  END,
  FORWARDS,
  START,
  StreamNotFoundError as EsdbStreamNotFoundError,
  UnavailableError,
  WrongExpectedVersionError,
} from '@eventstore/db-client';
import { ConcurrencyError, InvalidAppendError, StoreUnavailableError, StreamNotFoundError } from '../../event-store.errors';
import type { EventSubscription, RecordedEvent } from '../../event-store.port';
import { EsdbEventStore } from './esdb-event-store';
import { failing, FakeEsdbClient } from './fake-esdb-client';

const newEvent = (n: number) => ({
  id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
  type: 'T',
  data: { n },
  metadata: {},
});

function setup() {
  const client = new FakeEsdbClient();
  const store = new EsdbEventStore(client.asClient(), { resubscribeBackoff: { initialMs: 1, maxMs: 4 } });
  return { client, store };
}

/** Takes `count` events from a subscription, then stops it. */
async function take(subscription: EventSubscription, count: number): Promise<RecordedEvent[]> {
  const taken: RecordedEvent[] = [];
  for await (const event of subscription) {
    taken.push(event);
    if (taken.length === count) break;
  }
  return taken;
}

const numbers = (events: RecordedEvent[]) => events.map((e) => e.data.n);

describe('EsdbEventStore append', () => {
  it('sends JSON events with the mapped expected revision and answers with the commit position', async () => {
    const { client, store } = setup();
    const append = jest
      .fn()
      .mockResolvedValue({ success: true, nextExpectedRevision: 4n, position: { commit: 900n, prepare: 900n } });
    client.appendToStream = append;
    await expect(store.append('s', [newEvent(1)], 3n)).resolves.toEqual({ nextRevision: 4n, position: 900n });
    expect(append).toHaveBeenCalledWith(
      's',
      [expect.objectContaining({ type: 'T', data: { n: 1 }, contentType: 'application/json' })],
      {
        expectedRevision: 3n,
      },
    );
  });

  it('reads the position of the last event when the server does not report one', async () => {
    const { client, store } = setup();
    client.appendToStream = jest.fn().mockResolvedValue({ success: true, nextExpectedRevision: 1n });
    const last = client.record('s', 'T');
    const readStream = jest.fn().mockReturnValue(Readable.from([last]));
    client.readStream = readStream;
    await expect(store.append('s', [newEvent(1)], 'any')).resolves.toEqual({ nextRevision: 1n, position: 1000n });
    expect(readStream).toHaveBeenCalledWith('s', { fromRevision: 1n, maxCount: 1 });
  });

  it('a wrong expected version is a ConcurrencyError naming our expectation', async () => {
    const { client, store } = setup();
    client.appendToStream = jest
      .fn()
      .mockRejectedValue(new WrongExpectedVersionError(undefined, { streamName: 's', expected: 'no_stream', current: 1n }));
    const error = await store.append('s', [newEvent(1)], 'no_stream').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConcurrencyError);
    expect(error).toMatchObject({ stream: 's', expected: 'no_stream', actual: 1n });
  });

  it('an unreachable server is StoreUnavailableError', async () => {
    const { client, store } = setup();
    client.appendToStream = jest.fn().mockRejectedValue(new UnavailableError());
    await expect(store.append('s', [newEvent(1)], 'any')).rejects.toBeInstanceOf(StoreUnavailableError);
  });

  it('refuses an empty append before calling the server', async () => {
    const { store } = setup();
    await expect(store.append('s', [], 'any')).rejects.toBeInstanceOf(InvalidAppendError);
  });
});

describe('EsdbEventStore readStream', () => {
  it('reads forwards from the start and backwards from the end by default', async () => {
    const { client, store } = setup();
    const records = [client.record('s', 'T', { n: 0 }), client.record('s', 'T', { n: 1 })];
    const readStream = jest.fn().mockImplementation(() => Readable.from(records));
    client.readStream = readStream;
    expect(numbers(await store.readStream('s'))).toEqual([0, 1]);
    await store.readStream('s', { direction: 'backwards', maxCount: 2 });
    await store.readStream('s', { fromRevision: 1n, maxCount: 1 });
    expect(readStream.mock.calls.map((call) => call[1])).toEqual([
      { direction: FORWARDS, fromRevision: START, maxCount: undefined },
      { direction: BACKWARDS, fromRevision: END, maxCount: 2 },
      { direction: FORWARDS, fromRevision: 1n, maxCount: 1 },
    ]);
  });

  it('a missing stream is our StreamNotFoundError', async () => {
    const { client, store } = setup();
    client.readStream = () => failing(new EsdbStreamNotFoundError(undefined, 'none'));
    await expect(store.readStream('none')).rejects.toBeInstanceOf(StreamNotFoundError);
  });
});

describe('EsdbEventStore readAll and headPosition', () => {
  it('reads from a position, inclusive, skipping system events, across pages', async () => {
    const { client, store } = setup();
    const ours = Array.from({ length: 600 }, (_, n) =>
      client.record(n % 7 === 0 ? '$stats-node' : 'a', n % 5 === 0 ? '$metadata' : 'T', { n }),
    );
    const expected = ours.filter((r) => !r.event!.streamId.startsWith('$') && !r.event!.type.startsWith('$'));
    const from = expected[10].event!.position.commit;
    const events = await store.readAll({ fromPosition: from });
    expect(events.map((e) => e.position)).toEqual(expected.slice(10).map((r) => r.event!.position.commit));
  });

  it('takes a checkpoint plus one as "after the checkpoint", without reading where no record begins', async () => {
    const { client, store } = setup();
    const records = [0, 1, 2, 3].map((n) => client.record('a', 'T', { n }));
    const checkpoint = records[1].event!.position.commit;
    expect(numbers(await store.readAll({ fromPosition: checkpoint + 1n }))).toEqual([2, 3]);
    const page = await store.readAll({ fromPosition: 0n, maxCount: 2 });
    expect(numbers(page)).toEqual([0, 1]);
    expect(numbers(await store.readAll({ fromPosition: page[1].position + 1n, maxCount: 1 }))).toEqual([2]);
    const positions = client.readAllCalls.map((call) => call.fromPosition);
    expect(positions.every((p) => typeof p !== 'object' || records.some((r) => r.event!.position.commit === p.commit))).toBe(
      true,
    );
  });

  it('reads nothing from beyond the head', async () => {
    const { client, store } = setup();
    const last = client.record('a', 'T', { n: 0 });
    expect(await store.readAll({ fromPosition: last.event!.position.commit + 1n })).toEqual([]);
  });

  it('the head is the newest event that is not a system event, or 0 when there is none', async () => {
    const { client, store } = setup();
    expect(await store.headPosition()).toBe(0n);
    const newest = client.record('a', 'T');
    for (let i = 0; i < 40; i++) client.record('$scavenges', '$scavengeStarted');
    expect(await store.headPosition()).toBe(newest.event!.position.commit);
  });
});

describe('EsdbEventStore subscribe', () => {
  it('catches up from the start, then delivers live events, without system events', async () => {
    const { client, store } = setup();
    client.record('a', 'T', { n: 0 });
    client.record('$settings', 'Settings', { n: -1 });
    client.record('a', '$metadata', { n: -2 });
    client.record('a', 'T', { n: 1 });
    const subscription = store.subscribe();
    const received = take(subscription, 3);
    setTimeout(() => client.record('b', 'T', { n: 2 }), 5);
    expect(numbers(await received)).toEqual([0, 1, 2]);
    expect(client.subscribeCalls[0].fromPosition).toBe(START);
  });

  it('starts at a position, inclusive, and after a checkpoint given as checkpoint + 1', async () => {
    const { client, store } = setup();
    const records = [0, 1, 2, 3].map((n) => client.record('a', 'T', { n }));
    expect(numbers(await take(store.subscribe({ fromPosition: records[1].event!.position.commit }), 3))).toEqual([1, 2, 3]);
    expect(numbers(await take(store.subscribe({ fromPosition: records[1].event!.position.commit + 1n }), 2))).toEqual([2, 3]);
  });

  it('re-subscribes after a drop from the last delivered event: none twice, none skipped', async () => {
    const client = new FakeEsdbClient();
    const records = [0, 1, 2, 3, 4, 5].map((n) => client.record('a', 'T', { n }));
    client.failNextSubscription(3, new UnavailableError());
    client.failNextSubscription(2, new UnavailableError());
    client.subscriptionsRepeatStart = true;
    const warn = jest.fn();
    const store = new EsdbEventStore(client.asClient(), { resubscribeBackoff: { initialMs: 1, maxMs: 2 }, logger: { warn } });
    const received = take(store.subscribe(), 8);
    setTimeout(() => [6, 7].forEach((n) => client.record('a', 'T', { n })), 5);
    expect(numbers(await received)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(client.subscribeCalls.map((call) => call.fromPosition)).toEqual([
      START,
      { commit: records[2].event!.position.commit, prepare: records[2].event!.position.commit },
      { commit: records[3].event!.position.commit, prepare: records[3].event!.position.commit },
    ]);
    expect(warn).toHaveBeenCalledTimes(2);
    await store.close();
  });

  it('ends the iteration with the error when a retry cannot help', async () => {
    const { client, store } = setup();
    client.record('a', 'T', { n: 0 });
    client.failNextSubscription(1, new AccessDeniedError());
    await expect(take(store.subscribe(), 5)).rejects.toBeInstanceOf(AccessDeniedError);
  });

  it('stop ends a waiting iteration, and close stops every subscription and disposes the client', async () => {
    const { client, store } = setup();
    const head = client.record('a', 'T', { n: 0 }).event!.position.commit;
    const first = store.subscribe({ fromPosition: head + 1n });
    const second = store.subscribe({ fromPosition: head + 1n });
    const firstEnded = take(first, 1);
    const secondEnded = take(second, 1);
    await new Promise((resolve) => setTimeout(resolve, 5));
    await first.stop();
    await expect(firstEnded).resolves.toEqual([]);
    await store.close();
    await expect(secondEnded).resolves.toEqual([]);
    expect(client.disposed).toBe(true);
    await expect(store.readAll()).rejects.toBeInstanceOf(StoreUnavailableError);
  });
});
