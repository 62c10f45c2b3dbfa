import { lazy, Suspense, useCallback, useEffect, useState, type ComponentType } from 'react';
import { initialLang, type Lang } from './i18n/catalogue';
import { I18nProvider } from './i18n/I18nProvider';
import { catalogues } from './i18n/catalogue';
import { SETTING, writeSetting } from './common/storage';
import { EmbedApp } from './viewer/EmbedApp';
import { ViewerApp } from './viewer/ViewerApp';

// The dashboard is its own chunk (with its own styles): viewers never download it.
const AdminApp = lazy(() => import('./admin/admin-chunk').then((m) => ({ default: m.AdminApp })));
// The sermon archive (/archivo, /archivo/ID): its own chunk too.
const ArchiveApp = lazy(() => import('./archive/ArchiveApp').then((m) => ({ default: m.ArchiveApp })));

/** The three pages nginx serves from the same index.html. */
export function pageFor(pathname: string): ComponentType {
  const path = pathname.replace(/\/+$/, '') || '/';
  if (path === '/embed') return EmbedApp;
  if (path === '/admin' || path.startsWith('/admin/')) return AdminApp;
  if (path === '/archivo' || path.startsWith('/archivo/')) return ArchiveApp;
  return ViewerApp;
}

export function App({ pathname }: { pathname: string }) {
  const [lang, setLangState] = useState<Lang>(initialLang);
  const setLang = useCallback((next: Lang) => {
    setLangState(next);
    writeSetting(SETTING.lang, next);
  }, []);
  useEffect(() => {
    document.documentElement.lang = lang;
    document.title = catalogues[lang].pageTitle;
  }, [lang]);
  const Page = pageFor(pathname);
  return (
    <I18nProvider lang={lang} setLang={setLang}>
      <Suspense fallback={null}>
        <Page />
      </Suspense>
    </I18nProvider>
  );
}
