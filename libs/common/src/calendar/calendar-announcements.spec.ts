import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadAnnouncements, parseAnnouncementFile, validateAnnouncements } from './calendar-announcements';

describe('loadAnnouncements', () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'calendar-'));
  });

  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  function write(name: string, content: unknown): void {
    writeFileSync(join(dir, name), typeof content === 'string' ? content : JSON.stringify(content));
  }

  it('reads every <year>.json, ignores other files and sorts by date', () => {
    write('2026.json', { year: 2026, announcements: [{ date: '2026-01-10', kind: 'working-day', reason: 'make-up' }] });
    write('2025.json', {
      year: 2025,
      announcements: [{ date: '2025-05-02', kind: 'day-off', reason: 'swap', source: 'notice' }],
    });
    write('README.md', 'not a year file');

    expect(loadAnnouncements(dir)).toEqual([
      { date: '2025-05-02', kind: 'day-off', reason: 'swap', source: 'notice' },
      { date: '2026-01-10', kind: 'working-day', reason: 'make-up' },
    ]);
  });

  it('reads the repository files, which include the whole Tet 2026 break', () => {
    const announcements = loadAnnouncements(join(__dirname, '../../../../config/calendar'));
    const tet = announcements.filter((a) => a.date >= '2026-02-14' && a.date <= '2026-02-22');
    expect(tet).toHaveLength(9);
    expect(tet.every((a) => a.kind === 'day-off')).toBe(true);
  });

  it('names the file when it is not JSON', () => {
    write('2026.json', '{ nope');
    expect(() => loadAnnouncements(dir)).toThrow(/2026\.json: not valid JSON/);
  });

  it('rejects a date announced twice', () => {
    // Each file only holds its own year, so a duplicate can only sit inside one file.
    write('2026.json', {
      year: 2026,
      announcements: [
        { date: '2026-03-09', kind: 'day-off', reason: 'a' },
        { date: '2026-03-09', kind: 'day-off', reason: 'b' },
      ],
    });
    expect(() => loadAnnouncements(dir)).toThrow(/2026-03-09 is announced more than once/);
  });
});

describe('parseAnnouncementFile', () => {
  const valid = { date: '2026-03-09', kind: 'day-off', reason: 'storm' };

  it.each([
    ['a year that does not match the file name', { year: 2025, announcements: [valid] }, /"year" is 2025/],
    ['a date outside the year', { year: 2026, announcements: [{ ...valid, date: '2025-12-31' }] }, /not in 2026/],
    ['a missing announcements list', { year: 2026 }, /expected \{ "year", "announcements"/],
    ['an impossible date', { year: 2026, announcements: [{ ...valid, date: '2026-02-30' }] }, /"date" must be/],
    ['an unknown kind', { year: 2026, announcements: [{ ...valid, kind: 'holiday' }] }, /"kind" must be one of/],
    ['an empty reason', { year: 2026, announcements: [{ ...valid, reason: ' ' }] }, /"reason" must be/],
    ['an unknown field', { year: 2026, announcements: [{ ...valid, note: 'x' }] }, /unknown field\(s\) note/],
  ])('rejects %s', (_what, file, message) => {
    expect(() => parseAnnouncementFile(file, 2026)).toThrow(message);
  });
});

describe('validateAnnouncements', () => {
  it('returns a sorted copy', () => {
    const input = [
      { date: '2026-09-01', kind: 'day-off', reason: 'b' },
      { date: '2026-01-02', kind: 'day-off', reason: 'a' },
    ];
    expect(validateAnnouncements(input).map((a) => a.date)).toEqual(['2026-01-02', '2026-09-01']);
    expect(input[0].date).toBe('2026-09-01');
  });
});
