import { createContext, useContext, useMemo, type ReactNode } from 'react';
import { catalogues, type Lang } from './catalogue';
import type { Messages } from './es';

interface I18n {
  lang: Lang;
  t: Messages;
  setLang(lang: Lang): void;
}

const I18nContext = createContext<I18n>({ lang: 'es', t: catalogues.es, setLang: () => {} });

export function I18nProvider({ lang, setLang, children }: { lang: Lang; setLang?: (lang: Lang) => void; children: ReactNode }) {
  const value = useMemo(() => ({ lang, t: catalogues[lang], setLang: setLang ?? (() => {}) }), [lang, setLang]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  return useContext(I18nContext);
}
