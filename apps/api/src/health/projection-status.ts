/** DI token: where /health reads how far the read models have come. */
export const PROJECTION_STATUS = Symbol('PROJECTION_STATUS');

export interface ProjectionStatusSource {
  /** The lowest checkpoint among the projections, or null before any projection runs. */
  position(): Promise<bigint | null>;
}
