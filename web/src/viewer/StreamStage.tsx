import { useEffect } from 'react';
import { useI18n } from '../i18n/I18nProvider';
import type { StreamStatus } from '../api/status';
import type { SiteSettings } from '../api/site';
import { loadHls } from '../player/playback-engine';
import { Player } from '../player/Player';
import { LiveInfo } from './LiveInfo';
import { OfflineCard, type LatestRecording } from './OfflineCard';
import { StartingCard } from './StartingCard';

export interface StreamStageProps {
  status: StreamStatus | null;
  site: SiteSettings;
  now: Date;
  /** The archive's latest recording, offered on the closing card (none until the archive exists). */
  latestRecording?: LatestRecording | null;
}

/** How long after a broadcast ends the offline page still says goodbye rather than "not streaming". */
export const CLOSING_CARD_MS = 3 * 60 * 60_000;

function isClosing(status: StreamStatus, now: Date): boolean {
  return status.reason === 'ended' && now.getTime() - Date.parse(status.since) < CLOSING_CARD_MS;
}

/**
 * What occupies the video's place for each stream state. The player stays mounted from live through
 * reconnecting, so a short drop never tears it down; it only goes away when the stream is offline.
 */
export function StreamStage({ status, site, now, latestRecording = null }: StreamStageProps) {
  const { t } = useI18n();
  const state = status?.state ?? null;

  useEffect(() => {
    // Fetch the player's code while the stream is starting, so the first picture is not delayed by it.
    if (state === 'starting' || state === 'live') void loadHls().catch(() => {});
  }, [state]);

  if (!status) {
    return (
      <div className="stage" data-state="loading">
        <div className="stage-card" role="status">
          <span className="spinner" aria-hidden="true" />
          <p className="stage-lead">{t.loading}</p>
        </div>
      </div>
    );
  }
  if (status.state === 'offline' || status.state === 'starting') {
    return (
      <div className="stage" data-state={status.state} data-reason={status.reason ?? undefined}>
        {status.state === 'offline' ? (
          <OfflineCard site={site} now={now} closing={isClosing(status, now)} latestRecording={latestRecording} />
        ) : (
          <StartingCard churchName={site.churchName} />
        )}
      </div>
    );
  }
  const reconnecting = status.state === 'reconnecting';
  // OBS stopped (on_publish_done): likely the end of the service, possibly a restart; not a fault.
  const notice = !reconnecting ? null : status.reason === 'publisher-stopped' ? t.publisherStopped : t.reconnecting;
  return (
    <div className="stage stage-live" data-state={status.state}>
      <Player status={status} churchName={site.churchName} logoUrl={site.logoUrl} notice={notice} />
      <LiveInfo viewers={status.viewers} reconnecting={reconnecting} />
    </div>
  );
}
