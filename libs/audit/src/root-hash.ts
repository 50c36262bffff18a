import { createHash } from 'node:crypto';

/** Root hash of the empty log. */
export const EMPTY_ROOT = createHash('sha256').update('follow-up-tracker:log').digest('hex');

/**
 * Folds one event into the running root hash of the whole log in global order. It covers each
 * event's stream, revision and chain hash (which covers its content), so any change, removal,
 * insertion or reordering before a checkpoint changes the root at that checkpoint.
 * Positions are left out: an export re-imported elsewhere keeps the same roots.
 */
export function nextRoot(root: string, event: { stream: string; revision: bigint; metadata: Record<string, unknown> }): string {
  return createHash('sha256')
    .update(`${root}\n${event.stream}\n${event.revision}\n${String(event.metadata.hash)}`)
    .digest('hex');
}
