/** Thrown when the gate's queue is full: the caller should come back later. */
export class GateBusyError extends Error {
  constructor(readonly retryAfterSeconds: number) {
    super('too many expensive requests are running or waiting; try again shortly');
  }
}

export interface GateLimits {
  /** Expensive requests running at once, over every caller. */
  running: number;
  /** Of those, at once for one caller. */
  perCaller: number;
  /** Requests waiting for a slot; beyond it a request is refused at once. */
  waiting: number;
}

interface Waiter {
  caller: string;
  start: (release: () => void) => void;
}

/**
 * Bounds the work that walks the log or builds a report from history: at most `running` at once
 * (`perCaller` for one caller), the next `waiting` queued in arrival order, the rest refused. A
 * flood of expensive requests then costs a bounded amount at any moment, and cheap requests
 * (health, lists, commands) keep their turn on the event loop.
 */
export class ExpensiveGate {
  private running = 0;
  private readonly byCaller = new Map<string, number>();
  private readonly queue: Waiter[] = [];

  constructor(private readonly limits: GateLimits) {}

  /** Waits for a slot and returns its release; throws {@link GateBusyError} when the queue is full. */
  acquire(caller: string): Promise<() => void> {
    if (this.mayStart(caller)) return Promise.resolve(this.take(caller));
    if (this.queue.length >= this.limits.waiting) return Promise.reject(new GateBusyError(this.retryAfter()));
    return new Promise((resolve) => this.queue.push({ caller, start: resolve }));
  }

  /** Requests running and waiting now. */
  get load(): { running: number; waiting: number } {
    return { running: this.running, waiting: this.queue.length };
  }

  private mayStart(caller: string): boolean {
    return this.running < this.limits.running && (this.byCaller.get(caller) ?? 0) < this.limits.perCaller;
  }

  private take(caller: string): () => void {
    this.running += 1;
    this.byCaller.set(caller, (this.byCaller.get(caller) ?? 0) + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.running -= 1;
      const left = (this.byCaller.get(caller) ?? 1) - 1;
      if (left === 0) this.byCaller.delete(caller);
      else this.byCaller.set(caller, left);
      this.startNext();
    };
  }

  /**
   * Starts the first waiters that may start now (a caller at its own limit does not block the
   * others). Each starts on a later turn of the event loop: started at once, from the release of
   * the one before, a queue of expensive requests would run back to back in one turn and keep every
   * other request (health, lists, commands) waiting until the whole queue was done.
   */
  private startNext(): void {
    for (let i = 0; i < this.queue.length && this.running < this.limits.running; i++) {
      if (!this.mayStart(this.queue[i].caller)) continue;
      const [next] = this.queue.splice(i, 1);
      // The slot (overall and for its caller) is taken now; the work starts on the next turn.
      const release = this.take(next.caller);
      setImmediate(() => next.start(release));
      i -= 1;
    }
  }

  private retryAfter(): number {
    return Math.max(1, Math.ceil(this.queue.length / Math.max(1, this.limits.running)));
  }
}
