/**
 * Which pages each role may use: one list, read by the menu (a role sees only its entries) and by the
 * app frame (a page outside a role's list shows the no-access page, never forms that would fail).
 * A new page is one more entry here.
 */
import type { Role } from '../../shared/accounts';
import type { MessageKey } from '../../shared/i18n';

export interface MenuEntry {
  /** The page's path (an app route). */
  href: string;
  /** Its name in the menu and on the no-access page. */
  label: MessageKey;
  /** The roles that may open it. */
  roles: readonly Role[];
  /** A sub-page prefix that belongs to this entry (e.g. `/admin/…`). */
  prefix?: boolean;
}

/** Every page of the app and who may use it, in menu order. */
export const MENU_ENTRIES: readonly MenuEntry[] = [
  { href: '/', label: 'nav.enroll', roles: ['staff', 'supervisor'] },
  { href: '/queue', label: 'nav.queue', roles: ['staff', 'supervisor'] },
  { href: '/dashboard', label: 'nav.dashboard', roles: ['supervisor', 'admin'] },
  { href: '/admin', label: 'menu.admin', roles: ['admin'], prefix: true },
  { href: '/audit', label: 'menu.audit', roles: ['admin'] },
  { href: '/account', label: 'nav.account', roles: ['staff', 'supervisor', 'admin'] },
];

/** The menu of `role`: its pages and no others. */
export function entriesFor(role: Role, entries: readonly MenuEntry[] = MENU_ENTRIES): MenuEntry[] {
  return entries.filter((e) => e.roles.includes(role));
}

/** The entry a path belongs to, or undefined for a path no entry names (the app decides those itself). */
export function entryOf(path: string, entries: readonly MenuEntry[] = MENU_ENTRIES): MenuEntry | undefined {
  return entries.find((e) => e.href === path || (e.prefix === true && path.startsWith(`${e.href}/`)));
}

/** Where `role` lands after sign-in: staff at their stall, a supervisor at theirs if today has one (else the dashboard), an admin at /admin. */
export function landingPath(role: Role, hasStall: boolean): string {
  if (role === 'admin') return '/admin';
  if (role === 'supervisor' && !hasStall) return '/dashboard';
  return '/';
}
