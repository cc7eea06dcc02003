import { describe, expect, it } from 'vitest';
import { processLock, waitForSyncLock, webLock } from '../../../src/offline/sync-lock';

describe('sync lock', () => {
  it('in-process: a second holder is turned away, not queued', async () => {
    const lock = processLock(`unit-${Math.random()}`);
    let release!: () => void;
    const first = lock(() => new Promise<string>((r) => (release = () => r('first'))));
    expect(await lock(async () => 'second')).toEqual({ acquired: false });
    release();
    expect(await first).toEqual({ acquired: true, value: 'first' });
    expect(await lock(async () => 'third')).toEqual({ acquired: true, value: 'third' });
  });

  it('Web Locks: asks with ifAvailable and runs only when granted', async () => {
    const asked: unknown[] = [];
    let held = false;
    const locks = {
      async request<T>(name: string, options: { ifAvailable: true }, cb: (lock: unknown) => Promise<T>): Promise<T> {
        asked.push([name, options]);
        if (held) return cb(null);
        held = true;
        try {
          return await cb({ name });
        } finally {
          held = false;
        }
      },
    };
    const lock = webLock(locks);
    let release!: () => void;
    const first = lock(() => new Promise<number>((r) => (release = () => r(1))));
    expect(await lock(async () => 2)).toEqual({ acquired: false });
    release();
    expect(await first).toEqual({ acquired: true, value: 1 });
    expect(asked[0]).toEqual(['ruhui-sync', { ifAvailable: true }]);
  });

  it('waits until nobody holds the lock (the worker, after finding a tab holding it)', async () => {
    const name = `wait-${Math.random()}`;
    const lock = processLock(name);
    let release!: () => void;
    const holder = lock(() => new Promise<void>((r) => (release = r)));
    let free = false;
    const waiting = waitForSyncLock(name).then(() => (free = true));
    await new Promise((r) => setTimeout(r, 120));
    expect(free).toBe(false);
    release();
    await holder;
    await waiting;
    expect(free).toBe(true);
  });
});
