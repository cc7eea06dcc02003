import { afterEach, describe, expect, it, vi } from 'vitest';
import { localIsoWithOffset, newId, shortTime } from '../../../src/app/format';

afterEach(() => vi.unstubAllGlobals());

describe('format', () => {
  it('writes local time with its offset, naming the same instant', () => {
    const d = new Date('2026-11-05T04:30:05.123Z');
    const s = localIsoWithOffset(d);
    expect(s).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}[+-]\d{2}:\d{2}$/);
    expect(Date.parse(s)).toBe(d.getTime());
  });

  it('makes v4 UUIDs, also without crypto.randomUUID', () => {
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
    expect(newId()).toMatch(uuid);
    const real = globalThis.crypto;
    vi.stubGlobal('crypto', { getRandomValues: (a: Uint8Array) => real.getRandomValues(a) });
    const ids = new Set(Array.from({ length: 100 }, newId));
    expect(ids.size).toBe(100);
    for (const id of ids) expect(id).toMatch(uuid);
  });

  it('shows a short time, with the date when it is not today', () => {
    expect(shortTime('2026-11-05T12:30:00+08:00', '2026-11-05')).toBe('12:30');
    expect(shortTime('2026-11-04T12:30:00+08:00', '2026-11-05')).toBe('11-04 12:30');
  });
});
