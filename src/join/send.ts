/**
 * Sending one registration until the server has answered it: the same body under the same id every
 * time, so a retry, a double tap or a reload can never make two members (the server answers a replay
 * with the first answer). Network failures, timeouts and 5xx wait with exponential backoff and jitter
 * (1 s, 2 s, 4 s … at most 30 s), or until the phone says it is online again; 429 and 503 wait for
 * their Retry-After. Only the server's own verdicts end the loop.
 */
import type { JoinError, JoinResponse } from '../shared/join';

/** What the page shows while the loop runs. */
export type SendState = { kind: 'sending'; retry: boolean } | { kind: 'waiting'; reason: 'network' | 'busy'; seconds: number };

/** How the loop ended. */
export type SendResult =
  | { kind: 'done'; answer: JoinResponse }
  | { kind: 'refused'; error: JoinError['error'] }
  | { kind: 'conflict' }
  | { kind: 'gone'; status: 404 | 410 };

/** One attempt may take this long before it counts as lost (a weak signal still sends ~1 kB in time). */
const ATTEMPT_MS = 20_000;
const MAX_BACKOFF_S = 30;

function pause(seconds: number): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      removeEventListener('online', done);
      resolve();
    };
    const timer = setTimeout(done, seconds * 1000);
    addEventListener('online', done);
  });
}

async function attempt(url: string, body: string, lang: string): Promise<Response | null> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), ATTEMPT_MS);
  try {
    return await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Accept-Language': lang },
      body,
      signal: abort.signal,
      credentials: 'omit',
    });
  } catch {
    return null;
  } finally {
    clearTimeout(timer);
  }
}

async function json<T>(res: Response): Promise<T | null> {
  try {
    return (await res.json()) as T;
  } catch {
    return null;
  }
}

/** Sends `body` to `url` until the server gives a verdict; `onState` hears each step. */
export async function sendRegistration(url: string, body: unknown, lang: string, onState: (s: SendState) => void): Promise<SendResult> {
  const text = JSON.stringify(body);
  for (let n = 0; ; n++) {
    onState({ kind: 'sending', retry: n > 0 });
    const res = await attempt(url, text, lang);
    let wait: number;
    let reason: 'network' | 'busy' = 'network';
    if (res && res.ok) {
      const answer = await json<JoinResponse>(res);
      // A cut-off answer: ask again; the replay answers the same.
      if (answer && answer.receipt) return { kind: 'done', answer };
      wait = 1;
    } else if (res && (res.status === 404 || res.status === 410)) {
      return { kind: 'gone', status: res.status };
    } else if (res && res.status === 409) {
      return { kind: 'conflict' };
    } else if (res && res.status >= 400 && res.status < 500 && res.status !== 429 && res.status !== 408) {
      const refusal = await json<JoinError>(res);
      return { kind: 'refused', error: refusal?.error ?? { code: 'bad_request', message: String(res.status) } };
    } else if (res && (res.status === 429 || res.status === 503)) {
      reason = 'busy';
      wait = Math.min(Math.max(Number(res.headers.get('retry-after')) || 5, 1), 600);
    } else {
      wait = Math.min(2 ** n, MAX_BACKOFF_S) * (0.5 + Math.random() / 2);
    }
    // Count down in whole seconds so the page can say how long.
    for (let left = Math.ceil(wait); left > 0; left--) {
      onState({ kind: 'waiting', reason, seconds: left });
      const before = Date.now();
      await pause(Math.min(1, left));
      if (Date.now() - before < 900 && reason === 'network') break; // back online: go now
    }
  }
}
