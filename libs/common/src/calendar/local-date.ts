/**
 * Calendar-date arithmetic on `YYYY-MM-DD` strings.
 *
 * A working day is a civil date in the province, not an instant, so the
 * calculator reasons on plain date strings and only touches time zones at the
 * two edges: turning `from` into a local date and turning the last counted
 * date into a `dueAt` instant.
 */

const LOCAL_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;

/** True when `value` is a real calendar date written `YYYY-MM-DD` (rejects 2026-02-30). */
export function isLocalDate(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const match = LOCAL_DATE.exec(value);
  if (!match) return false;
  const [, y, m, d] = match;
  const probe = new Date(Date.UTC(Number(y), Number(m) - 1, Number(d)));
  return probe.toISOString().slice(0, 10) === value;
}

/** Throws a RangeError unless `value` is a real `YYYY-MM-DD` date. */
export function assertLocalDate(value: unknown, what: string): asserts value is string {
  if (!isLocalDate(value)) {
    throw new RangeError(`${what} must be a calendar date written YYYY-MM-DD, got ${JSON.stringify(value)}`);
  }
}

/** The date `days` days after `date` (negative goes back). */
export function addDays(date: string, days: number): string {
  const ms = Date.parse(`${date}T00:00:00Z`) + days * DAY_MS;
  return new Date(ms).toISOString().slice(0, 10);
}

/** Day of week of a civil date, 0 = Sunday … 6 = Saturday (as `Date#getUTCDay`). */
export function dayOfWeek(date: string): number {
  return new Date(`${date}T00:00:00Z`).getUTCDay();
}

/** The year of a `YYYY-MM-DD` date. */
export function yearOf(date: string): number {
  return Number(date.slice(0, 4));
}

/** The civil date an instant falls on in `timeZone`. */
export function localDateOf(instant: Date, timeZone: string): string {
  // en-CA formats as YYYY-MM-DD, which spares us reassembling the parts.
  return new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(instant);
}

/** The UTC offset of `timeZone` at `instant`, written `+07:00`. */
export function utcOffsetOf(instant: Date, timeZone: string): string {
  const part = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' })
    .formatToParts(instant)
    .find((p) => p.type === 'timeZoneName')?.value;
  // 'GMT' alone means offset zero; otherwise the part reads 'GMT+07:00'.
  if (!part || part === 'GMT') return '+00:00';
  return part.slice(3);
}

/**
 * The instant `hh:mm:ss` on `date` in `timeZone`, as ISO 8601 with the zone's
 * offset (`2026-02-27T23:59:59+07:00`).
 *
 * The offset is read at the wall time interpreted as UTC and then re-read at
 * the resulting instant, which is exact for fixed-offset zones such as
 * Asia/Ho_Chi_Minh and right for DST zones except inside the skipped hour.
 */
export function localTimeToIso(date: string, time: string, timeZone: string): string {
  const wall = Date.parse(`${date}T${time}Z`);
  const first = utcOffsetOf(new Date(wall), timeZone);
  const offset = utcOffsetOf(new Date(wall - offsetMinutes(first) * 60_000), timeZone);
  return `${date}T${time}${offset}`;
}

function offsetMinutes(offset: string): number {
  const sign = offset.startsWith('-') ? -1 : 1;
  const [h, m] = offset.slice(1).split(':').map(Number);
  return sign * (h * 60 + m);
}
