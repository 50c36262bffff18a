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
