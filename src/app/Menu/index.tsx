/**
 * The main menu: one button in the top bar that opens the list of the pages this role may use
 * (src/app/Menu/entries.ts) and signing out. It takes no row of the screen while closed, so the stall
 * screen's form opens in view on a small phone; Escape, a tap outside or choosing a page closes it.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { Role } from '../../shared/accounts';
import { useLang } from '../i18n';
import { linkClick } from '../use-route';
import { entriesFor, entryOf } from './entries';

export interface MenuProps {
  role: Role;
  path: string;
  /** The user's own records waiting (pending or returned): shown on the button and the queue entry. */
  waiting: number;
  onSignOut(): void;
}

export function Menu({ role, path, waiting, onSignOut }: MenuProps) {
  const { t } = useLang();
  const [open, setOpen] = useState(false);
  const ref = useRef<HTMLElement>(null);
  const current = entryOf(path);

  useEffect(() => setOpen(false), [path]);
  useEffect(() => {
    if (!open) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        setOpen(false);
        ref.current?.querySelector<HTMLButtonElement>('.menu-button')?.focus();
      }
    };
    const onPointer = (e: PointerEvent) => {
      if (ref.current && e.target instanceof Node && !ref.current.contains(e.target)) setOpen(false);
    };
    addEventListener('keydown', onKey);
    addEventListener('pointerdown', onPointer);
    return () => {
      removeEventListener('keydown', onKey);
      removeEventListener('pointerdown', onPointer);
    };
  }, [open]);

  return (
    <nav class="menu" aria-label={t('nav.label')} ref={ref}>
      <button type="button" class="menu-button" aria-expanded={open} aria-controls="main-menu" onClick={() => setOpen(!open)}>
        {t('menu.open')}
        {waiting > 0 && <span class="badge">{waiting}</span>}
      </button>
      <ul id="main-menu" class="menu-list" hidden={!open}>
        {entriesFor(role).map((entry) => (
          <li key={entry.href}>
            <a href={entry.href} class="menu-link" aria-current={current === entry ? 'page' : undefined} onClick={linkClick}>
              {t(entry.label)}
              {entry.href === '/queue' && waiting > 0 && <span class="badge">{waiting}</span>}
            </a>
          </li>
        ))}
        <li>
          <button type="button" class="secondary small menu-signout" onClick={() => (setOpen(false), onSignOut())}>
            {t('nav.signOut')}
          </button>
        </li>
      </ul>
    </nav>
  );
}
