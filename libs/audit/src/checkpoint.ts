import { EventStreamRepository, type EventStore } from '@app/event-store';
import { walkLog } from './log-walk';
import { EMPTY_ROOT, nextRoot } from './root-hash';
import type { AuditSigner, CheckpointClaim } from './signing-key';
import { CHECKPOINT_EVENT, CHECKPOINT_STREAM } from './verify-log';

/** Schema of the AuditCheckpoint event; it has not changed since checkpoints were first written. */
const CHECKPOINT_SCHEMA_VERSION = 2;

export interface CheckpointResult extends CheckpointClaim {
  signature: string;
  keyFingerprint: string;
  /** Global position of the AuditCheckpoint event itself. */
  checkpointPosition: string;
}

/**
 * Computes the root hash of the log up to its head, signs it, and appends an AuditCheckpoint
 * event to the `audit-checkpoints` stream. Returns null when nothing happened since the last one.
 */
export async function writeCheckpoint(
  store: EventStore,
  signer: AuditSigner,
  actor: Record<string, unknown>,
  now: Date,
): Promise<CheckpointResult | null> {
  const repository = new EventStreamRepository(store, CHECKPOINT_SCHEMA_VERSION);
  const previous = await repository.load(CHECKPOINT_STREAM);
  const last = previous.events[previous.events.length - 1];
  let root = EMPTY_ROOT;
  let events = 0;
  let position = 0n;
  for await (const event of walkLog(store)) {
    // The checkpoint covers the log as it was before this checkpoint's own event.
    root = nextRoot(root, event, String(event.metadata.hash));
    events++;
    position = event.position;
  }
  // Nothing happened since the last checkpoint when the newest event is that checkpoint itself.
  if (events === 0 || (last && last.position === position)) return null;
  const claim: CheckpointClaim = { position: position.toString(), events, rootHash: root };
  const signature = signer.sign(claim);
  const keyFingerprint = signer.fingerprint();
  const context = {
    actor,
    occurredAt: now.toISOString(),
    correlationId: `checkpoint-${claim.position}`,
    causationId: `checkpoint-${claim.position}`,
  };
  const result = await repository.append(
    CHECKPOINT_STREAM,
    previous,
    [{ type: CHECKPOINT_EVENT, data: { ...claim, signature, keyFingerprint } }],
    context,
  );
  return { ...claim, signature, keyFingerprint, checkpointPosition: result.position.toString() };
}
