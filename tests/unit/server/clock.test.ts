import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_CLOCK_SKEW_MS, clockOffset, correctedTime } from '../../../src/server/sync/ingest';

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
});
