import { createHash } from 'node:crypto';

/** Root hash of the empty log. */
export const EMPTY_ROOT = createHash('sha256').update('follow-up-tracker:log').digest('hex');

/**
 * Folds one event into the running root hash of the whole log in global order, over its stream,
 * revision and content hash. Verification folds the hash it recomputes from the event's content,
 * so any change, removal, insertion or reordering before a checkpoint changes the root there.
 * Positions are left out: an export re-imported elsewhere keeps the same roots.
 */
export function nextRoot(root: string, event: { stream: string; revision: bigint }, contentHash: string): string {
  return createHash('sha256').update(`${root}\n${event.stream}\n${event.revision}\n${contentHash}`).digest('hex');
}
