import { afterEach, describe, expect, it, vi } from 'vitest';
import { shortTime } from '../../../src/app/format';
import { newId } from '../../../src/shared/record-id';

afterEach(() => vi.unstubAllGlobals());

describe('format', () => {
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
