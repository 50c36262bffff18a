/**
 * Waits for a condition by polling, with a deadline: reminders fire on real timers, so a test
 * waits for what it expects instead of sleeping a guessed time.
 */
export async function until<T>(
  probe: () => Promise<T | null | undefined | false> | T | null | undefined | false,
  what: string,
  { timeoutMs = 15_000, intervalMs = 100 }: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown = null;
  for (;;) {
    try {
      const value = await probe();
      if (value !== null && value !== undefined && value !== false) return value;
    } catch (error) {
      // A probe may fail while a dependency is restarting; keep the last error for the report.
      lastError = error;
    }
    if (Date.now() >= deadline) {
      const cause = lastError ? `; last error: ${(lastError as Error).message}` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${cause}`);
    }
    await pause(intervalMs);
  }
}

/** A short pause between polls; not a way to wait for something to happen. */
export function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
