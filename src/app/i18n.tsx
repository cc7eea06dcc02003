/**
 * The app's language: zh by default, English a tap away, remembered on the device. Components read
 * `useLang()`; the <html lang> follows the choice so screen readers pronounce it right.
 */
import { createContext, type ComponentChildren } from 'preact';
import { useCallback, useContext, useEffect, useMemo, useState } from 'preact/hooks';
import { addMessages, t } from '../shared/i18n/catalogue';
import { app } from '../shared/i18n/app';
import { common } from '../shared/i18n/common';
import type { Lang } from '../shared/i18n/define';
import type { MessageKey } from '../shared/i18n/keys';
import { ownership } from '../shared/i18n/ownership';
import { qrLink } from '../shared/i18n/qr-link';
import { roles } from '../shared/i18n/roles';
import { syncStatus } from '../shared/i18n/sync-status';

// The app shell's words (top bar, menu, sign-in, stall, form, queue); admin, dashboard and QR screens add theirs when they load.
addMessages(common, app, ownership, qrLink, roles, syncStatus);

const STORAGE_KEY = 'ruhui.lang';

interface LangState {
  lang: Lang;
  setLang(lang: Lang): void;
  t(key: MessageKey, params?: Record<string, string | number>): string;
}

const LangContext = createContext<LangState | null>(null);

function initialLang(): Lang {
  try {
    return localStorage.getItem(STORAGE_KEY) === 'en' ? 'en' : 'zh';
  } catch {
    return 'zh';
  }
}

export function LangProvider({ children }: { children: ComponentChildren }) {
  const [lang, setLangState] = useState<Lang>(initialLang);
  const setLang = useCallback((next: Lang) => {
    setLangState(next);
    try {
      localStorage.setItem(STORAGE_KEY, next);
    } catch {
      // Private mode or full storage: the choice lasts for this visit only.
    }
  }, []);
  useEffect(() => {
    document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
  }, [lang]);
  const value = useMemo<LangState>(
    () => ({ lang, setLang, t: (key, params) => t(lang, key, params) }),
    [lang, setLang],
  );
  return <LangContext.Provider value={value}>{children}</LangContext.Provider>;
}

/** The current language, its setter and a bound `t`. */
export function useLang(): LangState {
  const state = useContext(LangContext);
  if (!state) throw new Error('useLang outside LangProvider');
  return state;
}
