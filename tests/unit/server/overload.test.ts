import { describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../../src/server/http/errors';
import { Gate } from '../../../src/server/http/overload';

const deferred = () => {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
};

describe('Gate', () => {
  it('runs up to maxActive at once, queues up to maxQueued in order, and refuses the rest with 503', async () => {
    const gate = new Gate({ maxActive: 2, maxQueued: 1, maxWaitMs: 10_000, retryAfterSeconds: 3 });
    const order: number[] = [];
    const blockers = [deferred(), deferred(), deferred()];
    const runs = blockers.map((b, i) => gate.run(async () => { order.push(i); await b.promise; return i; }));
    const refused = gate.run(async () => 99);
    await expect(refused).rejects.toSatisfy((e: unknown) => {
      if (!(e instanceof ApiError)) return false;
      const after = Number(e.headers['Retry-After']);
      return e.status === 503 && e.code === 'unavailable' && after >= 3 && after <= 6;
    });
    await Promise.resolve();
    expect(order).toEqual([0, 1]);
    expect(gate.load).toEqual({ active: 2, queued: 1 });
    blockers[0]!.resolve();
    await runs[0];
    await vi.waitFor(() => expect(order).toEqual([0, 1, 2]));
    blockers[1]!.resolve();
    blockers[2]!.resolve();
    expect(await Promise.all(runs)).toEqual([0, 1, 2]);
    expect(gate.load).toEqual({ active: 0, queued: 0 });
  });

  it('refuses a request that waited longer than maxWaitMs, and frees its place', async () => {
    vi.useFakeTimers();
    try {
      const gate = new Gate({ maxActive: 1, maxQueued: 5, maxWaitMs: 1_000, retryAfterSeconds: 1 });
      const block = deferred();
      const first = gate.run(() => block.promise);
      const waiting = gate.run(async () => 'late');
      const check = expect(waiting).rejects.toBeInstanceOf(ApiError);
      await vi.advanceTimersByTimeAsync(1_001);
      await check;
      expect(gate.load).toEqual({ active: 1, queued: 0 });
      block.resolve();
      await first;
      expect(await gate.run(async () => 'next')).toBe('next');
    } finally {
      vi.useRealTimers();
    }
  });

  it('frees the turn when the work throws', async () => {
    const gate = new Gate({ maxActive: 1, maxQueued: 0, maxWaitMs: 1_000, retryAfterSeconds: 1 });
    await expect(gate.run(async () => { throw new Error('boom'); })).rejects.toThrow('boom');
    expect(await gate.run(async () => 1)).toBe(1);
  });
});
