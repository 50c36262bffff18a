import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isLocalDate, yearOf } from './local-date';

/**
 * What an announcement does to one date:
 * - `day-off`: a weekday the government gives off (the rest of a Tet break the
 *   law counts differently, a compensatory day, the weekday of a swap);
 * - `working-day`: a Saturday or Sunday worked to make up for a swap.
 */
export type CalendarAnnouncementKind = 'day-off' | 'working-day';

/**
 * One dated decision from the yearly holiday announcements (Prime Minister's
 * approval, Ministry of Home Affairs notice). Recorded because the statutory
 * holidays alone do not say which days civil servants actually work.
 */
export interface CalendarAnnouncement {
  /** Civil date in the province, `YYYY-MM-DD`. */
  date: string;
  kind: CalendarAnnouncementKind;
  /** Human explanation, copied into due-date computations. */
  reason: string;
  /** The document that announced it, for auditors. */
  source?: string;
}

/** Shape of `config/calendar/<year>.json`. */
export interface CalendarAnnouncementFile {
  year: number;
  announcements: CalendarAnnouncement[];
}

const KINDS: readonly CalendarAnnouncementKind[] = ['day-off', 'working-day'];
const FILE_NAME = /^(\d{4})\.json$/;

/**
 * Reads every `<year>.json` in `dir` (other files are ignored) and returns
 * their announcements sorted by date.
 *
 * Fails loudly on a malformed file: a silently ignored day off would shift
 * every deadline computed afterwards, and those are recorded in events.
 */
export function loadAnnouncements(dir: string): CalendarAnnouncement[] {
  const files = readdirSync(dir)
    .filter((name) => FILE_NAME.test(name))
    .sort();
  const all: CalendarAnnouncement[] = [];
  for (const name of files) {
    const year = Number(FILE_NAME.exec(name)![1]);
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(join(dir, name), 'utf8'));
    } catch (error) {
      throw new Error(`calendar file ${name}: not valid JSON (${(error as Error).message})`, { cause: error });
    }
    all.push(...parseAnnouncementFile(parsed, year, name));
  }
  return validateAnnouncements(all);
}

/**
 * Checks one parsed year file: its `year` must match the file name and every
 * date must fall in that year, so a typo cannot move a holiday across years.
 */
export function parseAnnouncementFile(
  value: unknown,
  expectedYear: number,
  label = `${expectedYear}.json`,
): CalendarAnnouncement[] {
  if (!isRecord(value) || !Array.isArray(value.announcements)) {
    throw new Error(`calendar file ${label}: expected { "year", "announcements": [...] }`);
  }
  if (value.year !== expectedYear) {
    throw new Error(`calendar file ${label}: "year" is ${JSON.stringify(value.year)}, expected ${expectedYear}`);
  }
  const entries = value.announcements.map((entry, index) => toAnnouncement(entry, `${label}[${index}]`));
  for (const entry of entries) {
    if (yearOf(entry.date) !== expectedYear) {
      throw new Error(`calendar file ${label}: ${entry.date} is not in ${expectedYear}`);
    }
  }
  return entries;
}

/**
 * Validates announcements given in memory and returns a sorted copy.
 * A date may be announced once: two entries for one date would make the
 * calendar depend on their order.
 */
export function validateAnnouncements(announcements: readonly unknown[]): CalendarAnnouncement[] {
  const checked = announcements.map((entry, index) => toAnnouncement(entry, `announcement[${index}]`));
  const seen = new Set<string>();
  for (const entry of checked) {
    if (seen.has(entry.date)) throw new Error(`calendar: ${entry.date} is announced more than once`);
    seen.add(entry.date);
  }
  return checked.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
}

function toAnnouncement(entry: unknown, label: string): CalendarAnnouncement {
  if (!isRecord(entry)) throw new Error(`calendar ${label}: expected an object`);
  const { date, kind, reason, source } = entry;
  if (!isLocalDate(date)) throw new Error(`calendar ${label}: "date" must be YYYY-MM-DD, got ${JSON.stringify(date)}`);
  if (!KINDS.includes(kind as CalendarAnnouncementKind)) {
    throw new Error(`calendar ${label}: "kind" must be one of ${KINDS.join(', ')}, got ${JSON.stringify(kind)}`);
  }
  if (typeof reason !== 'string' || reason.trim() === '') {
    throw new Error(`calendar ${label}: "reason" must be a non-empty string`);
  }
  if (source !== undefined && typeof source !== 'string') {
    throw new Error(`calendar ${label}: "source" must be a string when given`);
  }
  const extra = Object.keys(entry).filter((key) => !['date', 'kind', 'reason', 'source'].includes(key));
  if (extra.length > 0) throw new Error(`calendar ${label}: unknown field(s) ${extra.join(', ')}`);
  return source === undefined
    ? { date, kind: kind as CalendarAnnouncementKind, reason }
    : { date, kind: kind as CalendarAnnouncementKind, reason, source };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
