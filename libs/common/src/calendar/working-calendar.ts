import { createHash } from 'node:crypto';
import Holidays from 'date-holidays';
import holidaysPackage from 'date-holidays/package.json';
import { type CalendarAnnouncement, validateAnnouncements } from './calendar-announcements';
import { addDays, assertLocalDate, dayOfWeek, localDateOf, localTimeToIso, yearOf } from './local-date';

/** What the calendar is built from. */
export interface WorkingCalendarOptions {
  /** IANA zone whose civil dates are counted, `Asia/Ho_Chi_Minh` for a Vietnamese province. */
  timeZone: string;
  /** Yearly announcements layered over the statutory holidays (see `loadAnnouncements`). */
  announcements: readonly CalendarAnnouncement[];
}

/** A civil date that was passed over while counting, and why. */
export interface SkippedDay {
  date: string;
  reason: string;
}

/**
 * Everything needed to explain a computed deadline later, even after the
 * calendar files change: stored with the assignment so an auditor can see
 * which days were not counted and which calendar said so.
 */
export interface DueDateComputation {
  method: 'workingDays';
  workingDays: number;
  /** The instant counting started from, ISO 8601 in UTC. */
  from: string;
  /** `from` as a civil date in `timeZone`; counting starts the day after it. */
  fromLocalDate: string;
  timeZone: string;
  /** Every non-working day between `fromLocalDate` and the due date, in order. */
  skipped: SkippedDay[];
  /** Weekend days that counted because an announcement made them working days. */
  workedWeekendDays: SkippedDay[];
  /** Identifies the holiday rules and announcements used, e.g. `date-holidays@3.37.0+announcements@2025,2026#1a2b3c4d5e6f`. */
  calendarVersion: string;
}

/** Result of `addWorkingDays`. */
export interface DueDate {
  /** End of the last counted working day, ISO 8601 with the zone's offset (`2026-02-27T23:59:59+07:00`). */
  dueAt: string;
  computation: DueDateComputation;
}

/** Whether a civil date is worked, with the facts that decided it. */
export interface DayExplanation {
  date: string;
  working: boolean;
  reason: string;
}

/** Largest `n` accepted by `addWorkingDays`: a year of working days is already far beyond any real deadline. */
export const MAX_WORKING_DAYS = 365;

const COUNTRY = 'VN';
const END_OF_DAY = '23:59:59';
const WEEKDAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/**
 * Working days of a Vietnamese provincial administration.
 *
 * A date is a working day when it is Monday–Friday, not a statutory public
 * holiday (taken from `date-holidays` for Vietnam, type `public` only; its
 * lunar rules give Tet and the Hung Kings day), and not announced as a day
 * off — unless an announcement makes it a working day (a Saturday worked to
 * make up for a swapped weekday). Announcements exist because the law's
 * holidays are not the whole story: each year the government lengthens the
 * Tet break, grants compensatory days and swaps weekdays with weekends.
 *
 * Years without an announcement file fall back to the statutory holidays and
 * weekends only; `calendarVersion` names the announcement years used so a
 * deadline computed before a year was announced can be recognised.
 *
 * Build one per process and share it: each year's lunar holidays take tens of
 * milliseconds to compute and are cached on first use.
 */
export class WorkingCalendar {
  private readonly timeZone: string;
  private readonly holidays: Holidays;
  private readonly announcements: ReadonlyMap<string, CalendarAnnouncement>;
  /** Civil date → names of the public holidays on it, filled one year at a time. */
  private readonly holidayNames = new Map<string, string[]>();
  private readonly loadedYears = new Set<number>();
  private readonly version: string;

  constructor(options: WorkingCalendarOptions) {
    // Intl throws a RangeError for an unknown zone: better here than at the first deadline.
    new Intl.DateTimeFormat('en-US', { timeZone: options.timeZone });
    this.timeZone = options.timeZone;
    this.holidays = new Holidays(COUNTRY, { timezone: options.timeZone, languages: ['en'] });
    const announcements = validateAnnouncements(options.announcements);
    this.announcements = new Map(announcements.map((a) => [a.date, a]));
    for (const announcement of announcements) this.rejectPointlessWorkingDay(announcement);
    this.version = calendarVersionOf(announcements);
  }

  /** Identifies the rules in force; copied into every `DueDateComputation`. */
  get calendarVersion(): string {
    return this.version;
  }

  /**
   * True when civil servants work on `localDate` (`YYYY-MM-DD` in the
   * calendar's zone). Throws a RangeError for anything that is not a real date.
   */
  isWorkingDay(localDate: string): boolean {
    return this.explainDay(localDate).working;
  }

  /**
   * Whether `localDate` is worked and every fact that applies to it
   * (announcement, public holiday, weekend), most specific first.
   */
  explainDay(localDate: string): DayExplanation {
    assertLocalDate(localDate, 'localDate');
    const announcement = this.announcements.get(localDate);
    const holidayNames = this.holidayNamesOn(localDate);
    const weekday = dayOfWeek(localDate);
    const weekend = weekday === 0 || weekday === 6;

    // A make-up working day overrides everything else about its date.
    if (announcement?.kind === 'working-day') return { date: localDate, working: true, reason: announcement.reason };

    const facts: string[] = [];
    if (announcement) facts.push(announcement.reason);
    if (holidayNames.length > 0) facts.push(`public holiday: ${holidayNames.join(' / ')}`);
    if (weekend) facts.push(`weekend (${WEEKDAY_NAMES[weekday]})`);
    return { date: localDate, working: facts.length === 0, reason: facts.length > 0 ? facts.join('; ') : 'working day' };
  }

  /**
   * The deadline `n` working days after `from`.
   *
   * Counting starts on the civil date after `from`'s date in the calendar's
   * zone (an instant late on Sunday UTC may already be Monday in Vietnam, and
   * the Monday is then day 0); each working day counts one. The deadline is
   * the END of the n-th working day, `23:59:59` local time, rather than office
   * closing time: a response sent in the evening of the last day is still on
   * time, and an end-of-day rule needs no per-agency office hours.
   *
   * @param from instant the period starts from (usually the assignment time)
   * @param n whole number of working days, 1 to 365
   * @throws RangeError when `n` is not an integer in range or `from` is not a valid Date
   */
  addWorkingDays(from: Date, n: number): DueDate {
    if (!(from instanceof Date) || Number.isNaN(from.getTime())) {
      throw new RangeError('from must be a valid Date');
    }
    if (!Number.isInteger(n) || n < 1 || n > MAX_WORKING_DAYS) {
      throw new RangeError(`n must be an integer from 1 to ${MAX_WORKING_DAYS}, got ${n}`);
    }
    const fromLocalDate = localDateOf(from, this.timeZone);
    const skipped: SkippedDay[] = [];
    const workedWeekendDays: SkippedDay[] = [];
    let date = fromLocalDate;
    let counted = 0;
    while (counted < n) {
      date = addDays(date, 1);
      const day = this.explainDay(date);
      if (!day.working) {
        skipped.push({ date, reason: day.reason });
        continue;
      }
      counted += 1;
      const weekday = dayOfWeek(date);
      if (weekday === 0 || weekday === 6) workedWeekendDays.push({ date, reason: day.reason });
    }
    return {
      dueAt: localTimeToIso(date, END_OF_DAY, this.timeZone),
      computation: {
        method: 'workingDays',
        workingDays: n,
        from: from.toISOString(),
        fromLocalDate,
        timeZone: this.timeZone,
        skipped,
        workedWeekendDays,
        calendarVersion: this.version,
      },
    };
  }

  private holidayNamesOn(date: string): string[] {
    // A multi-day holiday starting late in December would spill into January,
    // so the previous year's rules are consulted too.
    const year = yearOf(date);
    this.loadYear(year - 1);
    this.loadYear(year);
    return this.holidayNames.get(date) ?? [];
  }

  private loadYear(year: number): void {
    if (this.loadedYears.has(year)) return;
    this.loadedYears.add(year);
    for (const holiday of this.holidays.getHolidays(year)) {
      if (holiday.type !== 'public') continue;
      // `date` is the civil start date ('2026-02-16 00:00:00'); the Tet rule spans
      // several days (P5D), so every date up to `end` is a holiday.
      const first = holiday.date.slice(0, 10);
      const length = Math.max(1, Math.round((holiday.end.getTime() - holiday.start.getTime()) / 86_400_000));
      for (let i = 0; i < length; i += 1) {
        const date = addDays(first, i);
        const names = this.holidayNames.get(date) ?? [];
        if (!names.includes(holiday.name)) names.push(holiday.name);
        this.holidayNames.set(date, names);
      }
    }
  }

  /** A make-up working day on a weekday or a public holiday is a typo, not a decision. */
  private rejectPointlessWorkingDay(announcement: CalendarAnnouncement): void {
    if (announcement.kind !== 'working-day') return;
    const weekday = dayOfWeek(announcement.date);
    if (weekday !== 0 && weekday !== 6) {
      throw new Error(`calendar: working-day ${announcement.date} is a ${WEEKDAY_NAMES[weekday]}, already a working day`);
    }
    if (this.holidayNamesOn(announcement.date).length > 0) {
      throw new Error(`calendar: working-day ${announcement.date} is a public holiday`);
    }
  }
}

function calendarVersionOf(announcements: readonly CalendarAnnouncement[]): string {
  const rules = `date-holidays@${holidaysPackage.version}`;
  if (announcements.length === 0) return `${rules}+announcements@none`;
  const years = [...new Set(announcements.map((a) => yearOf(a.date)))].join(',');
  // Hashing the entries (sorted by date) makes any edit to a year file visible in the version.
  const digest = createHash('sha256').update(JSON.stringify(announcements)).digest('hex').slice(0, 12);
  return `${rules}+announcements@${years}#${digest}`;
}
