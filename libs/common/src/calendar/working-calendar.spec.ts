import { join } from 'node:path';
import { loadAnnouncements } from './calendar-announcements';
import { WorkingCalendar } from './working-calendar';

const TIME_ZONE = 'Asia/Ho_Chi_Minh';
// The repository's own announcement files: these tests pin what they say.
const CONFIG_DIR = join(__dirname, '../../../../config/calendar');

function provinceCalendar(): WorkingCalendar {
  return new WorkingCalendar({ timeZone: TIME_ZONE, announcements: loadAnnouncements(CONFIG_DIR) });
}

function statutoryOnlyCalendar(): WorkingCalendar {
  return new WorkingCalendar({ timeZone: TIME_ZONE, announcements: [] });
}

describe('WorkingCalendar.addWorkingDays', () => {
  it('skips the whole Tet 2026 break: 5 working days from Friday 13 February end on Friday 27 February', () => {
    const { dueAt, computation } = provinceCalendar().addWorkingDays(new Date('2026-02-13T10:00:00+07:00'), 5);

    expect(dueAt).toBe('2026-02-27T23:59:59+07:00');
    expect(computation.skipped.map((day) => day.date)).toEqual([
      '2026-02-14',
      '2026-02-15',
      '2026-02-16',
      '2026-02-17',
      '2026-02-18',
      '2026-02-19',
      '2026-02-20',
      '2026-02-21',
      '2026-02-22',
    ]);
    for (const day of computation.skipped) expect(day.reason).toMatch(/Tet Binh Ngo 2026 break/);
    expect(computation).toMatchObject({
      method: 'workingDays',
      workingDays: 5,
      from: '2026-02-13T03:00:00.000Z',
      fromLocalDate: '2026-02-13',
      timeZone: TIME_ZONE,
      workedWeekendDays: [],
    });
    expect(computation.calendarVersion).toMatch(/^date-holidays@\d+\.\d+\.\d+\+announcements@2025,2026#[0-9a-f]{12}$/);
  });

  it('skips Saturdays and Sundays and says so', () => {
    const { dueAt, computation } = provinceCalendar().addWorkingDays(new Date('2026-03-02T09:00:00+07:00'), 5);

    expect(dueAt).toBe('2026-03-09T23:59:59+07:00');
    expect(computation.skipped).toEqual([
      { date: '2026-03-07', reason: 'weekend (Saturday)' },
      { date: '2026-03-08', reason: 'weekend (Sunday)' },
    ]);
  });

  it('counts an announced make-up Saturday as a working day', () => {
    // Thursday 8 January 2026; Saturday 10 January was worked in exchange for Friday 2 January.
    const { dueAt, computation } = provinceCalendar().addWorkingDays(new Date('2026-01-08T08:00:00+07:00'), 2);

    expect(dueAt).toBe('2026-01-10T23:59:59+07:00');
    expect(computation.skipped).toEqual([]);
    expect(computation.workedWeekendDays).toEqual([
      { date: '2026-01-10', reason: 'Saturday worked in exchange for Friday 2 January 2026' },
    ]);
  });

  it('counts a make-up Saturday given in memory, without any file', () => {
    const calendar = new WorkingCalendar({
      timeZone: TIME_ZONE,
      announcements: [{ date: '2026-03-07', kind: 'working-day', reason: 'make-up day' }],
    });

    expect(calendar.addWorkingDays(new Date('2026-03-05T08:00:00+07:00'), 2).dueAt).toBe('2026-03-07T23:59:59+07:00');
  });

  it('counts from the civil date in Vietnam, not in UTC', () => {
    // 18:00 UTC on Sunday 1 March is already 01:00 on Monday 2 March in Vietnam.
    const late = statutoryOnlyCalendar().addWorkingDays(new Date('2026-03-01T18:00:00Z'), 1);
    expect(late.computation.fromLocalDate).toBe('2026-03-02');
    expect(late.dueAt).toBe('2026-03-03T23:59:59+07:00');

    // One second before local midnight it is still Sunday, so Monday is the first day.
    const early = statutoryOnlyCalendar().addWorkingDays(new Date('2026-03-01T16:59:59Z'), 1);
    expect(early.computation.fromLocalDate).toBe('2026-03-01');
    expect(early.dueAt).toBe('2026-03-02T23:59:59+07:00');
  });

  it('never counts the starting day, even when it is a working day', () => {
    expect(statutoryOnlyCalendar().addWorkingDays(new Date('2026-03-03T00:00:00+07:00'), 1).dueAt).toBe(
      '2026-03-04T23:59:59+07:00',
    );
  });

  it.each([0, -1, 1.5, 366, Number.NaN, Number.POSITIVE_INFINITY])('rejects n = %p', (n) => {
    expect(() => statutoryOnlyCalendar().addWorkingDays(new Date('2026-03-02T09:00:00+07:00'), n)).toThrow(RangeError);
  });

  it('accepts the bounds 1 and 365', () => {
    const calendar = statutoryOnlyCalendar();
    expect(() => calendar.addWorkingDays(new Date('2026-03-02T09:00:00+07:00'), 1)).not.toThrow();
    expect(() => calendar.addWorkingDays(new Date('2026-03-02T09:00:00+07:00'), 365)).not.toThrow();
  });

  it('rejects an invalid Date', () => {
    expect(() => statutoryOnlyCalendar().addWorkingDays(new Date('not a date'), 1)).toThrow(RangeError);
  });

  it('runs into a year without announcements using the statutory holidays alone', () => {
    // Friday 31 December 2026 + 1: New Year's Day 2027 is a Friday, then the weekend.
    const { dueAt, computation } = provinceCalendar().addWorkingDays(new Date('2026-12-31T09:00:00+07:00'), 1);
    expect(dueAt).toBe('2027-01-04T23:59:59+07:00');
    expect(computation.skipped.map((day) => day.date)).toEqual(['2027-01-01', '2027-01-02', '2027-01-03']);
    expect(computation.skipped[0].reason).toBe("public holiday: New Year's Day");
  });

  it('is deterministic: separate calendars from the same files give the same answer', () => {
    const from = new Date('2026-08-20T15:30:00+07:00');
    expect(provinceCalendar().addWorkingDays(from, 30)).toEqual(provinceCalendar().addWorkingDays(from, 30));
  });

  it('changes calendarVersion when an announcement changes', () => {
    const base = [{ date: '2026-03-09', kind: 'day-off' as const, reason: 'storm' }];
    const edited = [{ date: '2026-03-09', kind: 'day-off' as const, reason: 'typhoon' }];
    const a = new WorkingCalendar({ timeZone: TIME_ZONE, announcements: base }).calendarVersion;
    const b = new WorkingCalendar({ timeZone: TIME_ZONE, announcements: edited }).calendarVersion;
    expect(a).not.toBe(b);
    expect(statutoryOnlyCalendar().calendarVersion).toMatch(/\+announcements@none$/);
  });
});

describe('WorkingCalendar.isWorkingDay', () => {
  it('takes lunar holidays from the library: Tet and the Hung Kings day', () => {
    const calendar = statutoryOnlyCalendar();
    // Tet Binh Ngo: the library's five days are 16-20 February 2026.
    for (const date of ['2026-02-16', '2026-02-17', '2026-02-18', '2026-02-19', '2026-02-20']) {
      expect(calendar.isWorkingDay(date)).toBe(false);
    }
    expect(calendar.isWorkingDay('2026-02-23')).toBe(true);
    // 10th day of the 3rd lunar month: Sunday 26 April 2026, Friday 16 April 2027.
    expect(calendar.explainDay('2026-04-26').reason).toMatch(/Hung Kings/);
    expect(calendar.explainDay('2027-04-16')).toEqual({
      date: '2027-04-16',
      working: false,
      reason: 'public holiday: Hung Kings Commemorations',
    });
  });

  it('ignores observances such as Teachers’ Day', () => {
    expect(statutoryOnlyCalendar().isWorkingDay('2026-11-20')).toBe(true);
  });

  it('gives the days off of 2026 as announced', () => {
    const calendar = provinceCalendar();
    const weekdaysOff: string[] = [];
    const weekendsWorked: string[] = [];
    for (let day = Date.UTC(2026, 0, 1); day < Date.UTC(2027, 0, 1); day += 86_400_000) {
      const date = new Date(day);
      const local = date.toISOString().slice(0, 10);
      const weekend = date.getUTCDay() === 0 || date.getUTCDay() === 6;
      const working = calendar.isWorkingDay(local);
      if (!weekend && !working) weekdaysOff.push(local);
      if (weekend && working) weekendsWorked.push(local);
    }
    expect(weekdaysOff).toEqual([
      '2026-01-01',
      '2026-01-02',
      '2026-02-16',
      '2026-02-17',
      '2026-02-18',
      '2026-02-19',
      '2026-02-20',
      '2026-04-27',
      '2026-04-30',
      '2026-05-01',
      '2026-08-31',
      '2026-09-01',
      '2026-09-02',
    ]);
    expect(weekendsWorked).toEqual(['2026-01-10', '2026-08-22']);
  });

  it.each(['2026-02-30', '2026/02/01', '26-02-01', ''])('rejects %p', (date) => {
    expect(() => statutoryOnlyCalendar().isWorkingDay(date)).toThrow(RangeError);
  });
});

describe('new WorkingCalendar', () => {
  it('rejects an unknown time zone', () => {
    expect(() => new WorkingCalendar({ timeZone: 'Asia/Nowhere', announcements: [] })).toThrow(RangeError);
  });

  it('rejects a make-up working day that is already a weekday', () => {
    const announcements = [{ date: '2026-03-04', kind: 'working-day' as const, reason: 'typo' }];
    expect(() => new WorkingCalendar({ timeZone: TIME_ZONE, announcements })).toThrow(/already a working day/);
  });

  it('rejects a make-up working day on a public holiday', () => {
    const announcements = [{ date: '2026-04-26', kind: 'working-day' as const, reason: 'typo' }];
    expect(() => new WorkingCalendar({ timeZone: TIME_ZONE, announcements })).toThrow(/public holiday/);
  });
});
