import { isInstant, parseInstant } from './instant';

describe('parseInstant: the one strict reading of a time', () => {
  it.each([
    ['2026-03-02T09:00:00+07:00', '2026-03-02T02:00:00.000Z'],
    ['2026-03-02T09:00+07:00', '2026-03-02T02:00:00.000Z'],
    ['2026-03-02T02:00:00Z', '2026-03-02T02:00:00.000Z'],
    ['2026-03-02T02:00:00.123456Z', '2026-03-02T02:00:00.123Z'],
    ['2024-02-29T23:59:59-05:30', '2024-03-01T05:29:59.000Z'],
  ])('reads %s', (text, iso) => {
    expect(parseInstant(text)?.toISOString()).toBe(iso);
  });

  it.each([
    ['a bare number', '99999'],
    ['a bare year', '2026'],
    ['a date without a time', '2026-03-02'],
    ['a time without an offset', '2026-03-02T09:00:00'],
    ['30 February', '2026-02-30T09:00:00+07:00'],
    ['29 February of a common year', '2025-02-29T09:00:00Z'],
    ['month 13', '2026-13-01T09:00:00Z'],
    ['hour 24', '2026-03-02T24:00:00Z'],
    ['minute 60', '2026-03-02T09:60:00Z'],
    ['second 60', '2026-03-02T09:00:60Z'],
    ['an offset beyond 14 hours', '2026-03-02T09:00:00+15:00'],
    ['RFC 2822', 'Mon, 02 Mar 2026 09:00:00 +0700'],
    ['a trailing control character', '2026-03-02T09:00:00Z\u0000'],
    ['a trailing newline', '2026-03-02T09:00:00Z\n'],
    ['a leading space', ' 2026-03-02T09:00:00Z'],
    ['a week date', '2026-W10-1T09:00:00Z'],
    ['an ordinal date', '2026-061T09:00:00Z'],
    ['words', 'last tuesday'],
  ])('refuses %s', (_, text) => {
    expect(parseInstant(text)).toBeNull();
  });

  it('refuses what is not a string: arrays (asOf[]=), numbers, objects', () => {
    for (const value of [['2026-03-02T09:00:00Z'], 20260302, { asOf: '2026-03-02T09:00:00Z' }, null, undefined]) {
      expect(isInstant(value)).toBe(false);
    }
  });
});
