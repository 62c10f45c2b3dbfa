import { formatCountdown, formatServiceTime } from '../i18n/format';
import { useI18n } from '../i18n/I18nProvider';
import { countdown, nextService } from '../common/schedule';
import type { SiteSettings } from '../api/site';
import { LatestRecording as LatestRecordingLink } from '../archive/LatestRecording';

/** A recording to offer after a broadcast (the archive's latest); the slot renders only when one is given. */
export interface LatestRecording {
  title: string;
  /** Its page (the archive's `page`). */
  url: string;
}

export interface OfflineCardProps {
  site: SiteSettings;
  now: Date;
  /** A broadcast just ended: say goodbye instead of "not streaming". */
  closing?: boolean;
  latestRecording?: LatestRecording | null;
}

/** No stream: who we are (or thanks, right after a broadcast), when the next service is, and a countdown. */
export function OfflineCard({ site, now, closing = false, latestRecording = null }: OfflineCardProps) {
  const { t } = useI18n();
  return (
    <div className={`stage-card offline-card${closing ? ' closing-card' : ''}`}>
      {site.logoUrl && <img className="stage-logo" src={site.logoUrl} alt="" />}
      <h2 className="stage-church">{closing ? t.closingTitle : site.churchName}</h2>
      <p className="stage-lead">{closing ? t.closingLead(site.churchName) : t.offlineTitle}</p>
      {!closing && site.offlineMessage && <p className="stage-message">{site.offlineMessage}</p>}
      {latestRecording && (
        <p className="latest-recording">
          <a href={latestRecording.url}>{t.watchRecording(latestRecording.title)}</a>
        </p>
      )}
      <NextService site={site} now={now} />
      {!latestRecording && <LatestRecordingLink />}
      <p className="stage-hint">{t.autoStartHint}</p>
    </div>
  );
}

function NextService({ site, now }: { site: SiteSettings; now: Date }) {
  const { t } = useI18n();
  const next = nextService(now, site.schedule, { timeZone: site.timezone, graceMs: 30 * 60_000 });
  if (!next) return <p className="stage-message">{t.noSchedule}</p>;
  const started = next.at.getTime() <= now.getTime();
  return (
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
  );
}
