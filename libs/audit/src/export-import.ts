import type { AppendResult, EventStore, JsonObject, RecordedEvent } from '@app/event-store';
import { walkLog } from './log-walk';

/** One line of the raw export, the same as `GET /audit/events` streams. */
export interface ExportedEvent {
  position: number;
  stream: string;
  revision: number;
  id: string;
  type: string;
  data: JsonObject;
  metadata: JsonObject;
  recordedAt: string;
}

export interface ExportFilter {
  fromPosition?: bigint;
  stream?: string;
  type?: string;
  /** Bounds on the event's occurredAt (ISO 8601). */
  from?: Date;
  to?: Date;
  limit?: number;
}

export function toExported(event: RecordedEvent): ExportedEvent {
  const { position, stream, revision, id, type, data, metadata, recordedAt } = event;
  return {
    position: Number(position),
    stream,
    revision: Number(revision),
    id,
    type,
    data,
    metadata,
    recordedAt: recordedAt.toISOString(),
  };
}

/** The log as NDJSON lines in global order, filtered, one page in memory at a time. */
export async function* exportLines(store: EventStore, filter: ExportFilter = {}): AsyncGenerator<string> {
  let sent = 0;
  const limit = filter.limit ?? Number.POSITIVE_INFINITY;
  if (limit <= 0) return;
  for await (const event of walkLog(store, { fromPosition: filter.fromPosition })) {
    if (filter.stream !== undefined && event.stream !== filter.stream) continue;
    if (filter.type !== undefined && event.type !== filter.type) continue;
    if (filter.from || filter.to) {
      const at = new Date(String(event.metadata.occurredAt));
      if ((filter.from && at < filter.from) || (filter.to && at > filter.to)) continue;
    }
    yield `${JSON.stringify(toExported(event))}\n`;
    if (++sent >= limit) return;
  }
}

/**
 * Appends an export into an empty store in its original order, keeping ids, revisions and
 * metadata (so every hash chain and root hash carries over). Many appends are in flight at once;
 * the store commits them in order. Returns how many events were imported.
 */
export async function importLines(store: EventStore, lines: AsyncIterable<string>, window = 2000): Promise<number> {
  if ((await store.headPosition()) !== 0n) throw new Error('import needs an empty event store');
  let count = 0;
  let inFlight: Array<Promise<AppendResult>> = [];
  for await (const line of lines) {
    if (line.trim() === '') continue;
    const e = JSON.parse(line) as ExportedEvent;
    inFlight.push(
      store.append(
        e.stream,
        [{ id: e.id, type: e.type, data: e.data, metadata: e.metadata }],
        e.revision === 0 ? 'no_stream' : BigInt(e.revision - 1),
      ),
    );
    count++;
    if (inFlight.length >= window) {
      await Promise.all(inFlight);
      inFlight = [];
    }
  }
  await Promise.all(inFlight);
  return count;
}
