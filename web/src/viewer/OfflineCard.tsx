import { formatCountdown, formatServiceTime } from '../i18n/format';
import { useI18n } from '../i18n/I18nProvider';
import { countdown, nextService } from '../lib/schedule';
import type { SiteSettings } from '../lib/site';
import { LatestRecording } from '../archive/LatestRecording';

/** No stream: who we are, when the next service is, and a countdown to it. */
export function OfflineCard({ site, now }: { site: SiteSettings; now: Date }) {
  const { t } = useI18n();
  const next = nextService(now, site.schedule, { timeZone: site.timezone, graceMs: 30 * 60_000 });
  const started = next !== null && next.at.getTime() <= now.getTime();
  return (
    <div className="stage-card offline-card">
      {site.logoUrl && <img className="stage-logo" src={site.logoUrl} alt="" />}
      <h2 className="stage-church">{site.churchName}</h2>
      <p className="stage-lead">{t.offlineTitle}</p>
      {site.offlineMessage && <p className="stage-message">{site.offlineMessage}</p>}
      {next ? (
        <div className="next-service">
          <p className="next-service-label">{t.nextService}</p>
          <p className="next-service-title">{next.entry.title}</p>
          <p className="next-service-when">
            <time dateTime={next.at.toISOString()}>{formatServiceTime(next.at, t, site.timezone)}</time>
          </p>
          <p className="next-service-countdown" role="timer" aria-atomic="true">
            {started ? t.startsSoon : `${t.startsIn} ${formatCountdown(countdown(now, next.at), t)}`}
          </p>
        </div>
      ) : (
        <p className="stage-message">{t.noSchedule}</p>
      )}
      <LatestRecording />
      <p className="stage-hint">{t.autoStartHint}</p>
    </div>
  );
}
