import ms from 'ms';

/** An `ms`-style duration (`2s`, `10m`, `3d`) in milliseconds; the configuration has checked its form. */
export function parseDuration(text: string): number {
  return ms(text as ms.StringValue);
}
