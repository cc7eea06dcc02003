import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays, daysBetween, isDay, localDay } from '../../../src/server/time';

describe('localDay', () => {
  it('puts 23:30 +08:00 on that day and 16:30Z on the next in Asia/Shanghai', () => {
    expect(localDay(new Date('2026-05-01T23:30:00+08:00'), 'Asia/Shanghai')).toBe('2026-05-01');
    expect(localDay(new Date('2026-05-01T16:30:00Z'), 'Asia/Shanghai')).toBe('2026-05-02');
    expect(localDay(new Date('2026-05-01T15:59:59.999Z'), 'Asia/Shanghai')).toBe('2026-05-01');
    expect(localDay(new Date('2026-05-01T16:30:00Z'), 'UTC')).toBe('2026-05-01');
  });

  it('agrees with a fixed +8 hours for any instant (Shanghai has had no DST since 1991)', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('1992-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true }), (d) => {
        expect(localDay(d, 'Asia/Shanghai')).toBe(new Date(d.getTime() + 8 * 3_600_000).toISOString().slice(0, 10));
      }),
    );
  });

  it('follows daylight saving time where there is one', () => {
    // New York: 00:30 local on 10 March 2024 is 05:30Z (EST); on 1 July, 00:30 local is 04:30Z (EDT).
    expect(localDay(new Date('2024-03-10T05:30:00Z'), 'America/New_York')).toBe('2024-03-10');
    expect(localDay(new Date('2024-07-01T04:30:00Z'), 'America/New_York')).toBe('2024-07-01');
    expect(localDay(new Date('2024-07-01T03:30:00Z'), 'America/New_York')).toBe('2024-06-30');
  });
});

describe('day arithmetic', () => {
  it('knows calendar days', () => {
    expect(isDay('2024-02-29')).toBe(true);
    expect(isDay('2023-02-29')).toBe(false);
    expect(isDay('2024-13-01')).toBe(false);
    expect(isDay('2024-1-01')).toBe(false);
    expect(isDay('')).toBe(false);
  });

  it('counts and adds days across months and leap years', () => {
    expect(daysBetween('2024-02-28', '2024-03-01')).toBe(2);
    expect(daysBetween('2025-01-01', '2025-12-31')).toBe(364);
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2024-03-01', -1)).toBe('2024-02-29');
  });
});
