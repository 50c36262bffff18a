import type { RecommendationEvent } from './events';

/**
 * Stored events never change shape; readers see the current shape through upcasters, one per
 * (type, schemaVersion) that changed. Each turns version n into n + 1; they chain.
 */
export const CURRENT_SCHEMA_VERSION = 3;

type Upcaster = (data: Record<string, unknown>) => Record<string, unknown>;

const UPCASTERS: Record<string, Upcaster> = {
  /**
   * Version 1 of RecommendationAssigned (the first release) had no `dueBasis`, since due dates
   * could only be given explicitly, and left `instructions` out when there were none.
   */
  'RecommendationAssigned@1': (data) => ({
    ...data,
    dueBasis: data.dueBasis ?? { method: 'explicit' },
    instructions: data.instructions ?? null,
  }),
  /**
   * Before version 3 an escalation did not record the channels of its notice, and no delivery
   * outcome was recorded for any notice: an old escalation reads as owing no delivery.
   */
  'DeadlineEscalated@2': (data) => ({ ...data, channels: data.channels ?? [] }),
};

/** The event in the current shape, whatever version it was stored with (missing version = 1). */
export function upcast(type: string, data: Record<string, unknown>, schemaVersion: unknown): RecommendationEvent {
  let version = typeof schemaVersion === 'number' ? schemaVersion : 1;
  let current = data;
  while (version < CURRENT_SCHEMA_VERSION) {
    const step = UPCASTERS[`${type}@${version}`];
    if (step) current = step(current);
    version++;
  }
  return { type, data: current } as RecommendationEvent;
}

/** Types that have an upcaster for some older version: only these need the stored version read. */
const UPCAST_TYPES = new Set(Object.keys(UPCASTERS).map((key) => key.slice(0, key.lastIndexOf('@'))));

/** Upcasts a stored event, reading its metadata only when its type ever changed shape. */
export function upcastStored(event: {
  type: string;
  data: Record<string, unknown>;
  readonly metadata: Record<string, unknown>;
}): RecommendationEvent {
  if (!UPCAST_TYPES.has(event.type)) return { type: event.type, data: event.data } as RecommendationEvent;
  return upcast(event.type, event.data, event.metadata.schemaVersion);
}
