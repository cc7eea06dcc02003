/**
 * The join page's words: the `join` and `validation` tables only (not the app's whole catalogue), so
 * the page stays small. Chinese first; English when the phone asks for it or the worker switches.
 */
import type { Lang } from '../shared/i18n/define';
import { join } from '../shared/i18n/join';
import { validation } from '../shared/i18n/validation';

const tables = {
  zh: { ...validation.zh, ...join.zh },
  en: { ...validation.en, ...join.en },
};

export type JoinKey = keyof typeof tables.zh;
export type { Lang };

/** The message for `key`, with `{name}` placeholders filled. */
export function tr(lang: Lang, key: JoinKey, params: Record<string, string | number> = {}): string {
  return (tables[lang][key] as string).replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

/** Is this a message of the page's tables? (Server reasons carry validation codes.) */
export function isJoinKey(key: string): key is JoinKey {
  return Object.prototype.hasOwnProperty.call(tables.zh, key);
}

/** zh unless the browser's first language is English. */
export function browserLang(): Lang {
  return (navigator.language || '').toLowerCase().startsWith('en') ? 'en' : 'zh';
}
