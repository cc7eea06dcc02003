import { describe, expect, it } from 'vitest';
import { localIsoWithOffset, localToday } from '../../../src/shared/local-time';

// Runs under UTC, Asia/Shanghai and Asia/Kathmandu (+05:45): see vitest.config.ts.
describe('local time', () => {
  const at = new Date('2026-11-05T18:30:05.123Z');

  it('writes local time with its offset, naming the same instant, from a Date or from ms', () => {
    const s = localIsoWithOffset(at);
    expect(s).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}[+-]\d{2}:\d{2}$/);
    expect(Date.parse(s)).toBe(at.getTime());
    expect(localIsoWithOffset(at.getTime())).toBe(s);
  });

  it("writes this machine's offset, minutes included", () => {
    const minutes = 0 - at.getTimezoneOffset(); // never -0
    const [, sign, hh, mm] = /([+-])(\d\d):(\d\d)$/.exec(localIsoWithOffset(at))!;
    expect((sign === '-' ? -1 : 1) * (Number(hh) * 60 + Number(mm))).toBe(minutes);
  });

  it("the date part is the local day, the one localToday names", () => {
    expect(localIsoWithOffset(at).slice(0, 10)).toBe(localToday(at));
    const local = new Date(at.getTime() - at.getTimezoneOffset() * 60_000).toISOString().slice(0, 10);
    expect(localToday(at)).toBe(local);
  });
});
