import type { AttachmentStore } from './attachment-store';

export interface SweepSchedule {
  /** How often the temporary files are looked at. */
  everyMs: number;
  /** A temporary file untouched this long is an upload a crash cut short. */
  olderThanMs: number;
}

export interface PeriodicSweep {
  /** Resolves once the sweep running now, if any, has ended; none starts after. */
  stop(): Promise<void>;
}

/**
 * Sweeps the store's temporary files every `everyMs`, removing those older than `olderThanMs`:
 * a long-running process cleans up after a crash of another one sharing the data folder, not only
 * at its own start. The timer does not keep the process alive; a sweep never overlaps the last one.
 */
export function sweepPeriodically(
  store: AttachmentStore,
  schedule: SweepSchedule,
  report: { swept?: (removed: number) => void; failed?: (error: unknown) => void } = {},
): PeriodicSweep {
  let running: Promise<void> | null = null;
  let stopped = false;
  const sweep = () => {
    if (running || stopped) return;
    running = store
      .sweepTemporary(schedule.olderThanMs)
      .then(
        (removed) => {
          if (removed > 0) report.swept?.(removed);
        },
        report.failed ?? (() => undefined),
      )
      .finally(() => (running = null));
  };
  const timer = setInterval(sweep, schedule.everyMs);
  timer.unref();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
