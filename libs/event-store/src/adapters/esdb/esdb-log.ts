import { BACKWARDS, END, FORWARDS, START } from '@eventstore/db-client';
import type { AllStreamResolvedEvent, Direction, EventStoreDBClient, ReadPosition } from '@eventstore/db-client';
import { positionOf, toEsdbPosition } from './esdb-mapping';

/** The part of the client that reads `$all`. */
export type ReadAllClient = Pick<EventStoreDBClient, 'readAll'>;

const SCAN_PAGE = 256;

/**
 * Positions of events this adapter has handed out, so a caller coming back with one of them, or
 * with one of them plus one (the port's way to resume after a checkpoint), costs no search.
 * Bounded: the oldest entries are forgotten first.
 */
export class KnownPositions {
  private readonly positions = new Set<bigint>();

  constructor(private readonly capacity = 10_000) {}

  add(position: bigint): void {
    if (this.positions.has(position)) return;
    this.positions.add(position);
    if (this.positions.size > this.capacity) {
      const oldest = this.positions.values().next().value as bigint;
      this.positions.delete(oldest);
    }
  }

  has(position: bigint): boolean {
    return this.positions.has(position);
  }
}

export async function readAllPage(
  client: ReadAllClient,
  fromPosition: ReadPosition,
  direction: Direction,
  maxCount: number,
): Promise<AllStreamResolvedEvent[]> {
  const page: AllStreamResolvedEvent[] = [];
  for await (const resolved of client.readAll({ fromPosition, direction, maxCount })) page.push(resolved);
  return page;
}

/** Walks `$all` from the newest record back to the oldest and returns the first one that matches. */
export async function findBackwards(
  client: ReadAllClient,
  from: ReadPosition,
  matches: (resolved: AllStreamResolvedEvent) => boolean,
  pageSize = SCAN_PAGE,
): Promise<AllStreamResolvedEvent | undefined> {
  let cursor = from;
  for (;;) {
    const page = await readAllPage(client, cursor, BACKWARDS, pageSize);
    const found = page.find(matches);
    if (found) return found;
    if (page.length < pageSize) return undefined;
    // Backwards reads exclude their starting position, so the next page starts where this one ended.
    cursor = toEsdbPosition(positionOf(page[page.length - 1]));
  }
}

/**
 * Where to start reading `$all` so that the first record read is the first one at or after
 * `fromPosition`: the position of the last record before it, to be read after (exclusive), or
 * undefined to read from the very start.
 *
 * Why a search: the server can only start a read or a subscription at a position where a record
 * begins (elsewhere it fails with an invalid-position error or reads garbage), while the port
 * accepts any position, typically a checkpoint plus one. Known positions answer at once; otherwise
 * the log is walked back from its end, which costs about as much as delivering what follows.
 */
export async function lastPositionBefore(
  client: ReadAllClient,
  fromPosition: bigint | undefined,
  known: KnownPositions,
  pageSize = SCAN_PAGE,
): Promise<bigint | undefined> {
  if (fromPosition === undefined || fromPosition <= 0n) return undefined;
  if (known.has(fromPosition - 1n)) return fromPosition - 1n;
  const from = known.has(fromPosition) ? toEsdbPosition(fromPosition) : END;
  const before = await findBackwards(client, from, (resolved) => positionOf(resolved) < fromPosition, pageSize);
  return before === undefined ? undefined : positionOf(before);
}

/**
 * Every record of `$all` after `after` (or from the start), forwards, page by page. Forward reads
 * include their starting record, which was already seen, so it is skipped.
 */
export async function* readForwards(
  client: ReadAllClient,
  after: bigint | undefined,
  pageSize = SCAN_PAGE,
): AsyncGenerator<AllStreamResolvedEvent> {
  let cursor = after;
  for (;;) {
    const start = cursor;
    const page = await readAllPage(client, start === undefined ? START : toEsdbPosition(start), FORWARDS, pageSize);
    for (const resolved of page) {
      const position = positionOf(resolved);
      if (cursor !== undefined && position <= cursor) continue;
      cursor = position;
      yield resolved;
    }
    if (page.length < pageSize) return;
    if (cursor === start) throw new Error(`reading $all forwards made no progress after position ${String(start)}`);
  }
}
