import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical-json';

/**
 * Per-stream hash chain. Each event's metadata carries `prevHash` (the previous event's hash,
 * or the stream's genesis hash) and `hash` over the previous hash, the type, the canonical data
 * and the canonical metadata without `hash`. Changing, removing or reordering any event breaks
 * every hash after it.
 */
export function genesisHash(stream: string): string {
  return sha256(`genesis:${stream}`);
}

export function eventHash(prevHash: string, type: string, data: unknown, metadataWithoutHash: Record<string, unknown>): string {
  return sha256(`${prevHash}\n${type}\n${canonicalJson(data)}\n${canonicalJson(metadataWithoutHash)}`);
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export interface ChainFailure {
  stream: string;
  revision: number;
  reason: string;
}

/** Checks one stream's events, in revision order; returns every place where the chain breaks. */
export function verifyChain(
  stream: string,
  events: ReadonlyArray<{ revision: bigint; type: string; data: unknown; metadata: Record<string, unknown> }>,
): ChainFailure[] {
  const failures: ChainFailure[] = [];
  let expectedPrev = genesisHash(stream);
  events.forEach((event, index) => {
    const revision = Number(event.revision);
    if (revision !== index) {
      failures.push({
        stream,
        revision,
        reason: `revision ${revision} found where ${index} was expected (missing or reordered event)`,
      });
    }
    const { hash, ...withoutHash } = event.metadata;
    if (withoutHash.prevHash !== expectedPrev) {
      failures.push({ stream, revision, reason: 'prevHash does not match the previous event (missing or reordered event)' });
    }
    const recomputed = eventHash(String(withoutHash.prevHash), event.type, event.data, withoutHash);
    if (hash !== recomputed) failures.push({ stream, revision, reason: 'hash does not match the event content (altered event)' });
    expectedPrev = typeof hash === 'string' ? hash : recomputed;
  });
  return failures;
}
