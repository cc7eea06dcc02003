/**
 * Where the join page keeps what was typed: localStorage where the browser has it and lets us write
 * (WeChat's in-app browser, private modes and full disks may not), else memory for as long as the page
 * is open. Nothing here ever throws: a storage failure only means the draft lives in memory. No
 * IndexedDB, no cookies, no service worker: the page needs none of them.
 */

const memory = new Map<string, string>();
let local: Storage | null | undefined;

function localStore(): Storage | null {
  if (local !== undefined) return local;
  try {
    const s = window.localStorage;
    s.setItem('ruhui.probe', '1');
    s.removeItem('ruhui.probe');
    local = s;
  } catch {
    local = null;
  }
  return local;
}

/** Does what is kept survive a reload? (If not, the page says so.) */
export function persistent(): boolean {
  return localStore() !== null;
}

/** Reads a JSON value, or undefined. */
export function load<T>(key: string): T | undefined {
  let text: string | null | undefined = memory.get(key);
  if (text === undefined) {
    try {
      text = localStore()?.getItem(key);
    } catch {
      text = null;
    }
  }
  if (!text) return undefined;
  try {
    return JSON.parse(text) as T;
  } catch {
    return undefined;
  }
}

/** Writes a JSON value: to localStorage when it takes it, always to memory. */
export function save(key: string, value: unknown): void {
  const text = JSON.stringify(value);
  memory.set(key, text);
  try {
    localStore()?.setItem(key, text);
  } catch {
    // Quota or a refusing browser: memory keeps it while the page is open.
  }
}

/** Forgets a value everywhere. */
export function drop(key: string): void {
  memory.delete(key);
  try {
    localStore()?.removeItem(key);
  } catch {
    // Nothing to do: memory is cleared.
  }
}
