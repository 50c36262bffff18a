import type { Actor } from '@app/recommendations';

/** Every event of one recommendation, in order, with who caused it and when. */
export class GetHistoryQuery {
  constructor(
    readonly id: string,
    readonly actor: Actor,
  ) {}
}

export interface HistoryEntry {
  revision: number;
  position: number;
  type: string;
  data: Record<string, unknown>;
  actor: unknown;
  occurredAt: string;
  correlationId: string | null;
  causationId: string | null;
}
