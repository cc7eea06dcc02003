/**
 * The catalogue at run time: one table per language, filled by the parts that are loaded. The server
 * loads every part (./index.ts); in the browser each screen adds its own part when its chunk arrives,
 * so the first screen never carries the texts of the others.
 */
import type { Lang } from './define';
import type { MessageKey } from './keys';

type Part = { zh: Record<string, string>; en: Record<string, string> };

const tables: Record<Lang, Record<string, string>> = { zh: {}, en: {} };

/** Adds parts' messages to the run-time tables (adding one twice is harmless). */
export function addMessages(...parts: Part[]): void {
  for (const part of parts) {
    Object.assign(tables.zh, part.zh);
    Object.assign(tables.en, part.en);
  }
}

/** Is this string one of the loaded message keys? (Server errors carry keys; clients translate them.) */
export function isMessageKey(key: string): key is MessageKey {
  return Object.hasOwn(tables.zh, key);
}

/**
 * The message for `key` in `lang`, with `{name}` placeholders filled from `params`. A key whose part
 * is not loaded reads as itself (a screen registers its part before it renders: see tests/unit/shared/i18n-parts.test.ts).
 */
export function t(lang: Lang, key: MessageKey, params?: Record<string, string | number>): string {
  const text = tables[lang][key] ?? key;
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) =>
    Object.hasOwn(params, name) ? String(params[name]) : whole,
  );
}
