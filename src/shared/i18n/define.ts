/** The languages Ruhui speaks. zh-CN comes first: it is the default everywhere. */
export const LANGS = ['zh', 'en'] as const;
export type Lang = (typeof LANGS)[number];

/**
 * Declares one domain's messages. The English table must have exactly the keys of the Chinese one,
 * so a message added in one language and forgotten in the other fails the type check.
 */
export function defineMessages<const Z extends Record<string, string>>(
  zh: Z,
  en: { [K in keyof Z]: string },
): { zh: Z; en: { [K in keyof Z]: string } } {
  return { zh, en };
}
