/**
 * The whole message catalogue: a small typed table per domain, every one loaded. The server speaks
 * through this; the browser loads parts by screen instead (./catalogue.ts, src/app/i18n.tsx). No i18n
 * framework: the app speaks two languages and the join page must stay tiny.
 */
import { accountActions } from './account-actions';
import { accounts } from './accounts';
import { app } from './app';
import { audit } from './audit';
import { addMessages } from './catalogue';
import { common } from './common';
import { dashboard } from './dashboard';
import { join } from './join';
import { qr } from './qr';
import { qrLink } from './qr-link';
import { roles } from './roles';
import { LANGS, type Lang } from './define';
import { ownership } from './ownership';
import { sync } from './sync';
import { syncStatus } from './sync-status';
import { validation } from './validation';

export { LANGS, type Lang };
export type { MessageKey } from './keys';
export { isMessageKey, t } from './catalogue';

/** Every part, for whoever needs them all (the server, and the tests that check the tables). */
export const ALL_PARTS = { common, validation, app, accounts, audit, sync, syncStatus, dashboard, join, qr, qrLink, ownership, roles, accountActions };

addMessages(...Object.values(ALL_PARTS));

/** Picks our language from an Accept-Language header or navigator.language: zh unless English is asked for first. */
export function pickLang(preference: string | null | undefined): Lang {
  if (!preference) return 'zh';
  const first = preference.split(',')[0]?.trim().toLowerCase() ?? '';
  return first.startsWith('en') ? 'en' : 'zh';
}
