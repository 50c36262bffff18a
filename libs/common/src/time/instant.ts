import { isLocalDate } from '../calendar/local-date';

/**
 * The one reading of a time given by a caller, for every parameter and body field: ISO 8601 with
 * a date, a time and an explicit offset or `Z` (`2026-03-02T09:00:00+07:00`), naming a real
 * calendar date and clock time. Everything else — a bare year, a date without a time, RFC 2822,
 * `2026-02-30`, `24:00`, trailing characters, numbers — is refused rather than guessed at, so that
 * no route rolls 30 February over into March.
 */
const INSTANT = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|([+-])(\d{2}):(\d{2}))$/;

/** What a caller is told when a time is refused. */
export const INSTANT_FORMAT = 'an ISO 8601 time with an offset, such as 2026-03-02T09:00:00+07:00';

/** The instant `value` names, or null when it is not one in the strict form above. */
export function parseInstant(value: unknown): Date | null {
  if (typeof value !== 'string' || value.length > 40) return null;
  const match = INSTANT.exec(value);
  if (!match) return null;
  const [, date, hours, minutes, seconds, , offsetHours, offsetMinutes] = match;
  if (!isLocalDate(date)) return null;
  if (Number(hours) > 23 || Number(minutes) > 59 || (seconds !== undefined && Number(seconds) > 59)) return null;
  if (offsetHours !== undefined && (Number(offsetHours) > 14 || Number(offsetMinutes) > 59)) return null;
  const instant = new Date(value);
  return Number.isNaN(instant.getTime()) ? null : instant;
}

export function isInstant(value: unknown): value is string {
  return parseInstant(value) !== null;
}
