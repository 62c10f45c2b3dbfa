import { useI18n } from '../i18n/I18nProvider';

/** Under the player: the EN VIVO badge and how many people are watching. */
export function LiveInfo({ viewers, reconnecting }: { viewers: number; reconnecting: boolean }) {
  const { t } = useI18n();
  return (
    <div className="live-info">
      <span className={`live-badge${reconnecting ? ' is-reconnecting' : ''}`}>
        <span className="live-dot" aria-hidden="true" />
        {t.liveBadge}
      </span>
      {/* Not a live region: the count changes too often to be read aloud each time. */}
      <span className="viewer-count">{t.viewers(viewers)}</span>
    </div>
  );
}
