import { useEffect } from 'react';
import { useI18n } from '../i18n/I18nProvider';
import type { StreamStatus } from '../lib/status';
import type { SiteSettings } from '../lib/site';
import { loadHls } from '../player/playback-engine';
import { Player } from '../player/Player';
import { LiveInfo } from './LiveInfo';
import { OfflineCard } from './OfflineCard';
import { StartingCard } from './StartingCard';

export interface StreamStageProps {
  status: StreamStatus | null;
  site: SiteSettings;
  now: Date;
}

/**
 * What occupies the video's place for each stream state. The player stays mounted from live through
 * reconnecting, so a short drop never tears it down; it only goes away when the stream is offline.
 */
export function StreamStage({ status, site, now }: StreamStageProps) {
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
      <div className="stage" data-state={status.state}>
        {status.state === 'offline' ? <OfflineCard site={site} now={now} /> : <StartingCard churchName={site.churchName} />}
      </div>
    );
  }
  const reconnecting = status.state === 'reconnecting';
  return (
    <div className="stage stage-live" data-state={status.state}>
      <Player status={status} churchName={site.churchName} logoUrl={site.logoUrl} notice={reconnecting ? t.reconnecting : null} />
      <LiveInfo viewers={status.viewers} reconnecting={reconnecting} />
    </div>
  );
}
