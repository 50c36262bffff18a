import { ExpensiveGate, GateBusyError } from './expensive-gate';

describe('ExpensiveGate', () => {
  it('runs at most `running` at once and queues the next ones in order', async () => {
    const gate = new ExpensiveGate({ running: 2, perCaller: 2, waiting: 5 });
    const a = await gate.acquire('a');
    const b = await gate.acquire('b');
    const started: string[] = [];
    const c = gate.acquire('c').then((release) => (started.push('c'), release));
    const d = gate.acquire('d').then((release) => (started.push('d'), release));
    expect(gate.load).toEqual({ running: 2, waiting: 2 });
    a();
    (await c)();
    b();
    (await d)();
    expect(started).toEqual(['c', 'd']);
    expect(gate.load).toEqual({ running: 0, waiting: 0 });
  });

  it('holds one caller to its own limit without holding up the others', async () => {
    const gate = new ExpensiveGate({ running: 3, perCaller: 1, waiting: 5 });
    const first = await gate.acquire('greedy');
    let secondStarted = false;
    const second = gate.acquire('greedy').then((release) => ((secondStarted = true), release));
    const other = await gate.acquire('polite');
    expect(secondStarted).toBe(false);
    expect(gate.load).toEqual({ running: 2, waiting: 1 });
    first();
    (await second)();
    other();
    expect(gate.load).toEqual({ running: 0, waiting: 0 });
  });

  it('refuses at once when the queue is full, with a Retry-After', async () => {
    const gate = new ExpensiveGate({ running: 1, perCaller: 1, waiting: 1 });
    const running = await gate.acquire('a');
    const waiting = gate.acquire('b');
    await expect(gate.acquire('c')).rejects.toBeInstanceOf(GateBusyError);
    running();
    (await waiting)();
  });

  it('a release called twice frees one slot only', async () => {
    const gate = new ExpensiveGate({ running: 1, perCaller: 1, waiting: 0 });
    const release = await gate.acquire('a');
    release();
    release();
    const again = await gate.acquire('a');
    await expect(gate.acquire('b')).rejects.toBeInstanceOf(GateBusyError);
    again();
  });
});
