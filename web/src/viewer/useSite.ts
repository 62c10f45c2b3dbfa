import { useEffect, useState } from 'react';
import { DEFAULT_SITE, fetchSite, textOn, type SiteSettings } from '../api/site';

/** The church's settings (defaults until the server answers); also paints the accent colour. */
export function useSite(): SiteSettings {
  const [site, setSite] = useState<SiteSettings>(DEFAULT_SITE);
  useEffect(() => {
    const abort = new AbortController();
    void fetchSite(abort.signal).then((s) => {
      if (!abort.signal.aborted) setSite(s);
    });
    return () => abort.abort();
  }, []);
  useEffect(() => {
    const root = document.documentElement.style;
    root.setProperty('--accent', site.accentColor);
    root.setProperty('--on-accent', textOn(site.accentColor));
  }, [site.accentColor]);
  return site;
}
