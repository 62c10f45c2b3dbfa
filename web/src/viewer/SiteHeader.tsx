import type { SiteSettings } from '../api/site';
import { LanguageSwitch } from '../common/LanguageSwitch';
import { ShareButton } from './ShareButton';

export function SiteHeader({ site }: { site: SiteSettings }) {
  return (
    <header className="site-header">
      <a className="site-brand" href="/">
        {site.logoUrl ? <img className="site-logo" src={site.logoUrl} alt="" /> : <span className="site-mark" aria-hidden="true" />}
        <span className="site-name">{site.churchName}</span>
      </a>
      <div className="site-actions">
        <LanguageSwitch />
        <ShareButton churchName={site.churchName} />
      </div>
    </header>
  );
}
