/**
 * A router of a few lines: the path and query of the current URL, `navigate()` with the History
 * API, and a click handler for same-origin links. The server (and, offline, the service worker)
 * answers every app route with the same shell: `/`, `/queue`, `/admin`, `/audit`, `/dashboard`, `/stall/:id/qr`.
 */
import { useEffect, useState } from 'preact/hooks';

export interface Route {
  path: string;
  query: URLSearchParams;
}

const listeners = new Set<() => void>();
const current = (): Route => ({ path: location.pathname.replace(/\/+$/, '') || '/', query: new URLSearchParams(location.search) });

/** Goes to `to` (same origin) without reloading. */
export function navigate(to: string, options: { replace?: boolean } = {}): void {
  if (options.replace) history.replaceState(null, '', to);
  else history.pushState(null, '', to);
  for (const listener of listeners) listener();
  scrollTo(0, 0);
}

/** onClick for `<a href>` inside the app: plain left clicks stay in the app, modified clicks do what the browser does. */
export function linkClick(event: MouseEvent): void {
  const a = event.currentTarget;
  if (!(a instanceof HTMLAnchorElement) || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  event.preventDefault();
  navigate(a.getAttribute('href') ?? '/');
}

/** The current route; re-renders on navigation and on the back/forward buttons. */
export function useRoute(): Route {
  const [route, setRoute] = useState(current);
  useEffect(() => {
    const update = () => setRoute(current());
    listeners.add(update);
    addEventListener('popstate', update);
    return () => {
      listeners.delete(update);
      removeEventListener('popstate', update);
    };
  }, []);
  return route;
}
