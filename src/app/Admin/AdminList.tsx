/**
 * An admin list's life, written once for stalls and users: read on mount (and again on `reload`, after
 * a change), "loading" until it arrives, a failure said with a retry (never left on "loading"), and a
 * line of its own when the list is empty.
 */
import type { ComponentChildren } from 'preact';
import { useCallback, useEffect, useState } from 'preact/hooks';
import type { MessageKey } from '../../shared/i18n/keys';
import { failureText } from '../http';
import { useLang } from '../i18n';

export interface Loaded<T> {
  /** The list, once read (null until then). */
  items: T[] | null;
  /** Why it could not be read, in the user's language. */
  error: string | null;
  reload(): Promise<void>;
}

/** Reads the list `read` gives; again whenever `reload` is called or `read` changes. */
export function useAdminList<T>(read: () => Promise<T[]>): Loaded<T> {
  const { t } = useLang();
  const [items, setItems] = useState<T[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const reload = useCallback(async () => {
    try {
      setItems(await read());
      setError(null);
    } catch (e) {
      setError(failureText(e, t));
    }
  }, [read, t]);
  useEffect(() => void reload(), [reload]);
  return { items, error, reload };
}

/** The list as `children` renders it, or the loading, failure or empty line in its place. */
export function AdminList<T>({ list, none, children }: { list: Loaded<T>; none: MessageKey; children: (items: T[]) => ComponentChildren }) {
  const { t } = useLang();
  const { items, error, reload } = list;
  if (items === null && error) {
    return (
      <div class="notice notice-error" role="alert">
        <p>{error}</p>
        <button type="button" class="secondary small" onClick={() => void reload()}>
          {t('admin.retry')}
        </button>
      </div>
    );
  }
  if (items === null) return <p class="muted">{t('admin.loading')}</p>;
  if (items.length === 0) return <p class="muted">{t(none)}</p>;
  return <>{children(items)}</>;
}
