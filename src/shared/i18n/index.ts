/**
 * The message catalogue: a small typed table per domain, merged here. No i18n framework: the app
 * speaks two languages and the join page must stay tiny.
 */
import { accounts } from './accounts';
import { app } from './app';
import { common } from './common';
import { LANGS, type Lang } from './define';
import { sync } from './sync';
import { syncStatus } from './sync-status';
import { validation } from './validation';

export { LANGS, type Lang };

const catalogue = {
  zh: { ...common.zh, ...validation.zh, ...app.zh, ...accounts.zh, ...sync.zh, ...syncStatus.zh },
  en: { ...common.en, ...validation.en, ...app.en, ...accounts.en, ...sync.en, ...syncStatus.en },
};

export type MessageKey = keyof typeof catalogue.zh;

/** Is this string one of our message keys? (Server errors carry keys; clients translate them.) */
export function isMessageKey(key: string): key is MessageKey {
  return Object.hasOwn(catalogue.zh, key);
}

/** The message for `key` in `lang`, with `{name}` placeholders filled from `params`. */
export function t(lang: Lang, key: MessageKey, params?: Record<string, string | number>): string {
  const text: string = catalogue[lang][key];
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) =>
    Object.hasOwn(params, name) ? String(params[name]) : whole,
  );
}

/** Picks our language from an Accept-Language header or navigator.language: zh unless English is asked for first. */
export function pickLang(preference: string | null | undefined): Lang {
  if (!preference) return 'zh';
  const first = preference.split(',')[0]?.trim().toLowerCase() ?? '';
  return first.startsWith('en') ? 'en' : 'zh';
}
