import type { EventEmitter } from 'node:events';
import type { EventSubscription, RecordedEvent } from '../../event-store.port';

export interface PollingSubscriptionOptions {
  fromPosition: bigint;
  /** Reads the next page of committed events from a position (inclusive). */
  read: (fromPosition: bigint) => RecordedEvent[];
  /** Emits `commit` after every in-process commit, so live delivery does not wait for a poll. */
  committed: EventEmitter;
  /** Upper bound on the wait for appends by other processes, which emit nothing here. */
  pollIntervalMs: number;
  onStop: (subscription: PollingSubscription) => void;
}

/**
 * Catch-up subscription over a log whose positions only become visible in increasing order:
 * it pages through committed events from its position, then waits for a commit signal or the
 * poll interval, and reads again. It keeps no buffer beyond one page.
 */
export class PollingSubscription implements EventSubscription {
  private next: bigint;
  private stopped = false;
  private wake: (() => void) | null = null;
  private readonly onCommit = () => this.wake?.();

  constructor(private readonly options: PollingSubscriptionOptions) {
    this.next = options.fromPosition;
    options.committed.on('commit', this.onCommit);
  }

  async *[Symbol.asyncIterator](): AsyncIterator<RecordedEvent> {
    try {
      while (!this.stopped) {
        const page = this.options.read(this.next);
        for (const event of page) {
          if (this.stopped) return;
          this.next = event.position + 1n;
          yield event;
        }
        if (page.length === 0) await this.waitForCommit();
      }
    } finally {
      await this.stop();
    }
  }

  private waitForCommit(): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wake = null;
        resolve();
      };
      const timer = setTimeout(done, this.options.pollIntervalMs);
      this.wake = done;
    });
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.options.committed.off('commit', this.onCommit);
    this.wake?.();
    this.options.onStop(this);
  }
}
