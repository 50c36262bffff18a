import { eventHash, genesisHash, StreamNotFoundError, type EventStore, type RecordedEvent } from '@app/event-store';
import { ATTACHMENT_STREAM_PREFIX, RECOMMENDATION_STREAM_PREFIX } from '@app/recommendations';
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
  /** Set for a stored file an event cites: gone, or its bytes no longer have the recorded sha256. */
  kind?: 'attachment-missing' | 'attachment-changed';
  /** The item whose event cites the file (absent for the file's own upload event). */
  item?: string;
  attachment?: string;
  sha256?: string;
}

/** What the stored bytes of a cited file say now; the attachment store answers it. */
export interface CitedFiles {
  check(sha256: string): Promise<'intact' | 'missing' | 'changed'>;
}

export interface VerifyReport {
  ok: boolean;
  streams: number;
  events: number;
  checkpoints: number;
  rootHash: string;
  failures: VerifyFailure[];
  /** With `files`: how many citations of stored files were checked, and how many distinct files were hashed. */
  attachments?: { references: number; files: number };
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
 * With `files`, also hashes again every stored file an event cites (each distinct file once, as the
 * walk reaches its first citation) and names the item and revision of each citation of a file that
 * is missing or changed.
 */
export async function verifyLog(
  store: EventStore,
  options: { publicKey: KeyObject | string; held?: HeldCheckpoint[]; files?: CitedFiles },
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
  const files = options.files ? new FileChecks(options.files) : null;

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
    if (files) for (const failure of await files.checkCitations(event)) fail(failure);
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
  const report: VerifyReport = {
    ok: failures.length === 0,
    streams: streams.size,
    events,
    checkpoints: recorded.length,
    rootHash: root,
    failures,
  };
  if (files) report.attachments = { references: files.references, files: files.hashed };
  return report;
}

export interface Citation {
  id: string;
  sha256: string;
}

/** The stored files an event cites: an upload's own file, or the `attachments` of an item's event. */
export function citedFiles(event: Pick<RecordedEvent, 'stream' | 'type' | 'data'>): Citation[] {
  const asCitation = (value: unknown): Citation | null => {
    const ref = value as { id?: unknown; sha256?: unknown } | null;
    return ref && typeof ref.id === 'string' && typeof ref.sha256 === 'string' ? { id: ref.id, sha256: ref.sha256 } : null;
  };
  if (event.type === 'AttachmentUploaded') {
    const own = asCitation(event.data);
    return own ? [own] : [];
  }
  const attachments = (event.data as { attachments?: unknown }).attachments;
  if (!Array.isArray(attachments)) return [];
  return attachments.map(asCitation).filter((c): c is Citation => c !== null);
}

/** Hashes each distinct cited file once and turns a bad one into a failure at every event citing it. */
class FileChecks {
  private readonly results = new Map<string, 'intact' | 'missing' | 'changed'>();
  references = 0;

  constructor(private readonly files: CitedFiles) {}

  get hashed(): number {
    return this.results.size;
  }

  async checkCitations(event: RecordedEvent): Promise<VerifyFailure[]> {
    const failures: VerifyFailure[] = [];
    for (const citation of citedFiles(event)) {
      this.references++;
      let result = this.results.get(citation.sha256);
      if (result === undefined) {
        result = await this.files.check(citation.sha256);
        this.results.set(citation.sha256, result);
      }
      if (result === 'intact') continue;
      const item = event.stream.startsWith(RECOMMENDATION_STREAM_PREFIX)
        ? event.stream.slice(RECOMMENDATION_STREAM_PREFIX.length)
        : undefined;
      const citedBy = item
        ? `cited by item ${item} (${event.type} at revision ${Number(event.revision)})`
        : event.stream.startsWith(ATTACHMENT_STREAM_PREFIX)
          ? 'recorded by its upload'
          : `cited by ${event.stream} (${event.type} at revision ${Number(event.revision)})`;
      failures.push({
        stream: event.stream,
        revision: Number(event.revision),
        reason:
          result === 'missing'
            ? `attachment ${citation.id} ${citedBy} is missing: no stored file has its sha256 ${citation.sha256}`
            : `attachment ${citation.id} ${citedBy} changed: the stored file no longer has its sha256 ${citation.sha256}`,
        kind: result === 'missing' ? 'attachment-missing' : 'attachment-changed',
        ...(item ? { item } : {}),
        attachment: citation.id,
        sha256: citation.sha256,
      });
    }
    return failures;
  }
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
