const UNITS: Record<string, number> = { b: 1, kb: 1024, mb: 1024 * 1024 };

/** A size as the configuration writes it (`100kb`, `20mb`, `512b`) in bytes; the configuration has checked its form. */
export function parseSize(text: string): number {
  const match = /^(\d+)(b|kb|mb)$/.exec(text.trim().toLowerCase());
  if (!match) throw new Error(`not a size: ${text}`);
  return Number(match[1]) * UNITS[match[2]];
}
