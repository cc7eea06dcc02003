import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backoffCeiling, fullJitter, parseRetryAfter, retryDelay, type BackoffPolicy } from '../../../src/offline/sync-backoff';

const policy: BackoffPolicy = { baseMs: 1_000, capMs: 60_000, maxRetryAfterMs: 600_000 };

describe('backoff', () => {
  it('doubles from the base up to the cap', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 7, 50, 5000].map((a) => backoffCeiling(a, policy))).toEqual([
      1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000, 60_000, 60_000,
    ]);
  });

  it('full jitter: uniform in [0, ceiling), whatever the attempt', () => {
    fc.assert(
      fc.property(fc.nat(10_000), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (attempt, r) => {
        const d = fullJitter(attempt, policy, () => r);
        return Number.isInteger(d) && d >= 0 && d < backoffCeiling(attempt, policy);
      }),
    );
    expect(fullJitter(3, policy, () => 0)).toBe(0);
    expect(fullJitter(3, policy, () => 0.5)).toBe(4_000);
    expect(fullJitter(30, policy, () => 0.999999)).toBe(59_999);
  });

  it('spreads clients that failed together', () => {
    const delays = Array.from({ length: 1000 }, () => fullJitter(4, policy));
    const buckets = new Set(delays.map((d) => Math.floor(d / 1_600)));
    expect(buckets.size).toBe(10);
  });

  it('takes Retry-After as a floor, capped', () => {
    expect(retryDelay(0, 30_000, policy, () => 0.9)).toBe(30_000);
    expect(retryDelay(10, 1_000, policy, () => 0.5)).toBe(30_000);
    expect(retryDelay(0, 86_400_000, policy, () => 0)).toBe(600_000);
    expect(retryDelay(2, undefined, policy, () => 0.25)).toBe(1_000);
  });
});

describe('Retry-After', () => {
  const now = Date.parse('2025-03-01T04:00:00Z');

  it('reads delay-seconds', () => {
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
  });

  it('reads an HTTP date, in the past as 0', () => {
    expect(parseRetryAfter('Sat, 01 Mar 2025 04:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Sat, 01 Mar 2025 03:00:00 GMT', now)).toBe(0);
  });

  it('ignores what it cannot read', () => {
    for (const bad of [null, undefined, '', 'soon', '-5', '1.5', 'Sat, 99 Foo 2025 04:00:00 GMT']) {
      expect(parseRetryAfter(bad, now)).toBeUndefined();
    }
  });
});
