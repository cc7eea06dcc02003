import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_CLOCK_SKEW_MS, clockOffset, correctedTime, recordTime } from '../../../src/server/sync/ingest';
import { stallWindow } from '../../../src/server/sync/window';

const NOW = Date.parse('2026-05-01T04:30:00Z');
const MIN = 60_000;

describe('clock correction', () => {
  it('corrects only beyond five minutes either way', () => {
    expect(clockOffset(NOW, new Date(NOW - 5 * MIN).toISOString())).toBe(0);
    expect(clockOffset(NOW, new Date(NOW + 5 * MIN).toISOString())).toBe(0);
    expect(clockOffset(NOW, new Date(NOW - 5 * MIN - 1).toISOString())).toBe(5 * MIN + 1);
    expect(clockOffset(NOW, new Date(NOW + 120 * MIN).toISOString())).toBe(-120 * MIN);
  });

  it('shifts a record by the offset: a device two hours slow', () => {
    const offset = clockOffset(NOW, new Date(NOW - 120 * MIN).toISOString());
    expect(correctedTime(NOW - 125 * MIN, offset, NOW)).toBe(NOW - 5 * MIN);
  });

  it('never puts a record in the future', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e13, max: 1e13 }), fc.integer({ min: -1e13, max: 1e13 }), (device, offset) => {
        expect(correctedTime(NOW + device, offset, NOW)).toBeLessThanOrEqual(NOW + MAX_CLOCK_SKEW_MS);
      }),
    );
    // Saved on a right clock, sent after it was set two hours back: the device time stands.
    expect(correctedTime(NOW - 10 * MIN, 120 * MIN, NOW)).toBe(NOW - 10 * MIN);
  });

  it('a device clock ahead (sentAt in the future) never moves a record back: only out of the future, to its arrival', () => {
    const ahead = clockOffset(NOW, new Date(NOW + 3 * 24 * 60 * MIN).toISOString());
    // Made an hour ago, sent with a sentAt three days ahead: it stays an hour ago.
    expect(correctedTime(NOW - 60 * MIN, ahead, NOW)).toBe(NOW - 60 * MIN);
    // Stamped two days ahead by that clock: brought back to when it arrived, never before.
    expect(correctedTime(NOW + 2 * 24 * 60 * MIN, ahead, NOW)).toBe(NOW);
    fc.assert(
      fc.property(fc.integer({ min: -1e12, max: 1e12 }), fc.integer({ min: -1e12, max: -MAX_CLOCK_SKEW_MS - 1 }), (device, offset) => {
        expect(correctedTime(NOW + device, offset, NOW)).toBeGreaterThanOrEqual(Math.min(NOW + device, NOW));
      }),
    );
  });

  it('keeps a record in its stall window: a correction that would move it out leaves the device time', () => {
    // Stall of 1 May in Beijing: 30 April 12:00 to 2 May 12:00 (+08:00).
    const w = stallWindow('2026-05-01', 'Asia/Shanghai');
    expect([new Date(w.from).toISOString(), new Date(w.to).toISOString()]).toEqual(['2026-04-30T04:00:00.000Z', '2026-05-02T04:00:00.000Z']);
    const later = Date.parse('2026-05-09T00:00:00Z');
    const saved = Date.parse('2026-05-01T04:00:00Z');
    // The clock was set 30 h back before sending: the shift would land on 2 May 18:00, outside.
    expect(recordTime(saved, 30 * 60 * MIN, later, w)).toBe(saved);
    // A clock 3 days slow all along: the shift brings the record into the window.
    expect(recordTime(saved - 3 * 24 * 60 * MIN, 3 * 24 * 60 * MIN, later, w)).toBe(saved);
    // Neither the device time nor the corrected one is on the stall's date.
    expect(recordTime(Date.parse('2026-04-29T12:00:00Z'), 0, later, w)).toBeUndefined();
  });
});
