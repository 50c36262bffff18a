import { eventHash, genesisHash, StreamNotFoundError, type EventStore } from '@app/event-store';
import { walkLog } from './log-walk';
import { EMPTY_ROOT, nextRoot } from './root-hash';
import { checkpointSignatureValid, type CheckpointClaim } from './signing-key';
import type { KeyObject } from 'node:crypto';

export const CHECKPOINT_STREAM = 'audit-checkpoints';
export const CHECKPOINT_EVENT = 'AuditCheckpoint';

export interface VerifyFailure {
  stream: string;
  revision: number;
  reason: string;
}

export interface VerifyReport {
  ok: boolean;
  streams: number;
  events: number;
  checkpoints: number;
  rootHash: string;
  failures: VerifyFailure[];
}

/** A checkpoint to check: one recorded in the log, or one an auditor kept from earlier. */
export interface HeldCheckpoint extends CheckpointClaim {
  signature?: string;
  /** Where it came from, for the failure report. */
  stream?: string;
  revision?: number;
}

const MAX_FAILURES = 1000;

/**
 * Recomputes every stream's hash chain and the log's root hash in one pass over the log, without
 * holding it in memory; then checks each signed checkpoint (and any the caller holds) against the
 * root recomputed at its position. Names the stream and revision of every break it finds.
 */
export async function verifyLog(
  store: EventStore,
  options: { publicKey: KeyObject | string; held?: HeldCheckpoint[] },
): Promise<VerifyReport> {
  const recorded = await recordedCheckpoints(store);
  const checks = [...recorded, ...(options.held ?? [])];
  // Checkpoints are matched by how many events they cover, not by position: positions belong to
  // one store, and a log exported and imported elsewhere keeps its order but not its positions.
  const wanted = new Set(checks.map((c) => c.events));
  const rootsAt = new Map<number, string>();
  const streams = new Map<string, { next: number; lastHash: string }>();
  const failures: VerifyFailure[] = [];
  const fail = (failure: VerifyFailure) => {
    if (failures.length < MAX_FAILURES) failures.push(failure);
  };
  let root = EMPTY_ROOT;
  let events = 0;

  for await (const event of walkLog(store)) {
    const revision = Number(event.revision);
    const stream = streams.get(event.stream) ?? { next: 0, lastHash: genesisHash(event.stream) };
    if (revision !== stream.next)
      fail({
        stream: event.stream,
        revision,
        reason: `revision ${revision} found where ${stream.next} was expected: an event is missing or out of order`,
      });
    const { hash, ...withoutHash } = event.metadata;
    if (withoutHash.prevHash !== stream.lastHash)
      fail({
        stream: event.stream,
        revision,
        reason: 'prevHash does not match the previous event: an event is missing or out of order',
      });
    const recomputed = eventHash(String(withoutHash.prevHash), event.type, event.data, withoutHash);
    if (hash !== recomputed) {
      fail({ stream: event.stream, revision, reason: 'hash does not match the event content: the event was altered' });
    }
    streams.set(event.stream, { next: revision + 1, lastHash: String(hash) });
    root = nextRoot(root, event, recomputed);
    events++;
    if (wanted.has(events)) rootsAt.set(events, root);
  }

  for (const checkpoint of checks) {
    const where = { stream: checkpoint.stream ?? '(held checkpoint)', revision: checkpoint.revision ?? -1 };
    const at = rootsAt.get(checkpoint.events);
    if (at === undefined) {
      fail({
        ...where,
        reason: `the log no longer holds the ${checkpoint.events} events checkpointed at position ${checkpoint.position}`,
      });
    } else if (at !== checkpoint.rootHash) {
      fail({ ...where, reason: `the log up to position ${checkpoint.position} changed since it was checkpointed` });
    }
    if (checkpoint.signature !== undefined) {
      const claim = { position: checkpoint.position, events: checkpoint.events, rootHash: checkpoint.rootHash };
      if (!checkpointSignatureValid(claim, checkpoint.signature, options.publicKey))
        fail({ ...where, reason: 'checkpoint signature is not valid for the published key' });
    }
  }
  return { ok: failures.length === 0, streams: streams.size, events, checkpoints: recorded.length, rootHash: root, failures };
}

async function recordedCheckpoints(store: EventStore): Promise<HeldCheckpoint[]> {
  try {
    const events = await store.readStream(CHECKPOINT_STREAM);
    return events
      .filter((e) => e.type === CHECKPOINT_EVENT)
      .map((e) => ({
        position: String(e.data.position),
        events: Number(e.data.events),
        rootHash: String(e.data.rootHash),
        signature: String(e.data.signature),
        stream: CHECKPOINT_STREAM,
        revision: Number(e.revision),
      }));
  } catch (error) {
    if (error instanceof StreamNotFoundError) return [];
    throw error;
  }
}
