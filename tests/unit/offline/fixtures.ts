/** Records and a fresh fake IndexedDB per test, for the offline layer's unit tests. */
import { IDBFactory } from 'fake-indexeddb';
import { randomUUID } from 'node:crypto';
import { idCheckChar } from '../../../src/shared/id-number';
import { closeDB } from '../../../src/offline/db';

export const STALL = '7a3e5c1b-2d4f-4a6b-8c9d-0e1f2a3b4c5d';
export const OTHER_STALL = '9b2d4f6a-1c3e-4a5b-8d7f-0a1b2c3d4e5f';
export const AT = '2026-11-05T12:30:00.000+08:00';

/** A valid 18-character resident ID for Beijing Xicheng, born `birth` (YYYYMMDD), sequence `seq`. */
export function residentId(seq: number, birth = '19900101'): string {
  const first17 = `110102${birth}${String(seq).padStart(3, '0')}`;
  return first17 + idCheckChar(first17);
}

/** A valid enrollment; `seq` picks a distinct person. */
export function enrollment(seq = 1, overrides: Record<string, unknown> = {}) {
  return {
    kind: 'enrollment' as const,
    id: randomUUID(),
    stallId: STALL,
    createdAt: AT,
    channel: 'staff' as const,
    person: {
      name: '张三',
      idType: 'resident' as const,
      idNumber: residentId(seq),
      gender: seq % 2 === 1 ? ('male' as const) : ('female' as const),
      birthDate: '1990-01-01',
      phone: '+86 138-1234-5678',
      occupation: 'courier' as const,
      employer: '顺丰',
    },
    services: ['legal_aid' as const],
    consent: { join: true as const, sensitiveInfo: true as const, noticeVersion: '2026-11-v1', at: AT },
    ...overrides,
  };
}

/** A valid consultation. */
export function consultation(topic: 'legal' | 'mutual_aid' | 'health' | 'membership' | 'other' = 'legal', overrides: Record<string, unknown> = {}) {
  return { kind: 'consultation' as const, id: randomUUID(), stallId: STALL, createdAt: AT, topic, ...overrides };
}

/** A new, empty IndexedDB for the next test; the module's cached connection is closed first. */
export async function freshIndexedDB(): Promise<void> {
  await closeDB();
  globalThis.indexedDB = new IDBFactory();
}

/** What localStorage holds, and a way to wait for a write (no sleeping on it). */
export class LocalStorageFake extends Map<string, string> {
  private waiting: { key: string; value: string; resolve: () => void }[] = [];
  write(key: string, value: string): void {
    this.set(key, value);
    this.waiting = this.waiting.filter((w) => (w.key === key && w.value === value ? (w.resolve(), false) : true));
  }
  /** Resolves once `key` holds `value` (at once if it does). */
  until(key: string, value: string): Promise<void> {
    if (this.get(key) === value) return Promise.resolve();
    return new Promise((resolve) => this.waiting.push({ key, value, resolve }));
  }
}

/** A minimal localStorage for Node. */
export function installLocalStorage(): LocalStorageFake {
  const map = new LocalStorageFake();
  const shim = {
    getItem: (k: string) => map.get(k) ?? null,
    setItem: (k: string, v: string) => map.write(k, String(v)),
    removeItem: (k: string) => void map.delete(k),
    clear: () => map.clear(),
    key: (i: number) => [...map.keys()][i] ?? null,
    get length() {
      return map.size;
    },
  };
  Object.defineProperty(globalThis, 'localStorage', { value: shim, configurable: true, writable: true });
  return map;
}
