import { useI18n } from '../i18n/I18nProvider';
import type { StreamState } from '../api/status';
import { LanguageSwitch } from '../common/LanguageSwitch';
import { formatNumber } from './format';

interface Props {
  state: StreamState | null;
  viewers: number | null;
  loggingOut: boolean;
  onLogout(): void;
}

export const SECTIONS = ['health', 'chat', 'viewers', 'obs', 'simulcast', 'schedule', 'branding', 'embed'] as const;

/** Sticky: the stream's state and audience always in view, the language switch, "Salir", and quick links. */
export function AdminHeader({ state, viewers, loggingOut, onLogout }: Props) {
  const { t } = useI18n();
  const a = t.admin;
  return (
    <header className="adm-header">
      <div className="adm-header-row">
        <h1 className="adm-title">{a.shortTitle}</h1>
        <p className="adm-live">
          <span className={`adm-badge is-${state ?? 'loading'}`} role="status">{state === null ? '…' : state === 'live' ? t.liveBadge : a.stateBadge[state]}</span>
          {viewers !== null && (
            <span className="adm-viewers" title={t.viewers(viewers)}>
              <svg className="icon" width="18" height="18" viewBox="0 0 24 24" aria-hidden="true">
                <path fill="currentColor" d="M12 5C6.5 5 2.7 9.3 1.5 12c1.2 2.7 5 7 10.5 7s9.3-4.3 10.5-7C21.3 9.3 17.5 5 12 5Zm0 11.5a4.5 4.5 0 1 1 0-9 4.5 4.5 0 0 1 0 9Zm0-2.5a2 2 0 1 0 0-4 2 2 0 0 0 0 4Z" />
              </svg>
              <span aria-hidden="true">{formatNumber(viewers, t)}</span>
              <span className="sr-only">{t.viewers(viewers)}</span>
            </span>
          )}
        </p>
        <div className="adm-header-actions">
          <LanguageSwitch />
          <button type="button" className="button button-quiet adm-logout" onClick={onLogout} disabled={loggingOut}>
            {a.logout}
          </button>
        </div>
      </div>
      <nav className="adm-nav" aria-label={a.sectionsLabel}>
        <ul>
          {SECTIONS.map((id) => (
            <li key={id}>
              <a href={`#${id}`}>{a.sections[id]}</a>
            </li>
          ))}
        </ul>
      </nav>
    </header>
  );
}
