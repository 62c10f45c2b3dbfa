import { useEffect, useMemo, useRef, useState } from 'react';
import { useI18n } from '../i18n/I18nProvider';
import type { StreamState, StreamStatus } from '../api/status';
import { readSetting, SETTING, writeSetting } from '../common/storage';
import { AudioPoster } from './AudioPoster';
import { Icon } from './icons';
import type { PlaybackSource } from './playback-engine';
import { PlayerBar, useBehindLive } from './PlayerBar';
import { renditionFor, type QualityChoice } from './quality';
import { usePlaybackEngine } from './usePlaybackEngine';
import { useDelayedFlag, useTransientNotice } from './useStallNotice';
import { useVideoState } from './useVideoState';

/** How long "the quality went down" stays on screen. */
const QUALITY_NOTICE_MS = 8000;

export interface PlayerProps {
  status: StreamStatus;
  churchName: string;
  logoUrl: string | null;
  /** A short notice over the picture (the stream is reconnecting); the player keeps trying underneath. */
  notice?: string | null;
}

function sourceFor(status: StreamStatus, choice: QualityChoice): PlaybackSource {
  const rendition = renditionFor(choice, status.renditions);
  // hls.js drops an audio-only entry from a master with video, so audio only loads its own playlist.
  const lowDelay = status.lowDelay === true;
  if (rendition?.audioOnly) return { url: rendition.url, level: null, lowDelay };
  return { url: status.master, level: rendition, lowDelay };
}

export function Player({ status, churchName, logoUrl, notice }: PlayerProps) {
  const { t } = useI18n();
  const containerRef = useRef<HTMLDivElement>(null);
  const videoRef = useRef<HTMLVideoElement>(null);
  const [choice, setChoice] = useState<QualityChoice>(() => readSetting(SETTING.quality) ?? 'auto');
  const effectiveChoice = status.renditions.length === 0 || renditionFor(choice, status.renditions) ? choice : 'auto';
  const source = useMemo(() => sourceFor(status, effectiveChoice), [status.master, status.renditions, status.lowDelay, effectiveChoice]); // eslint-disable-line react-hooks/exhaustive-deps
  const [qualityDown, showQualityDown] = useTransientNotice<number>(QUALITY_NOTICE_MS);
  const engine = usePlaybackEngine(videoRef, source, showQualityDown);
  const video = useVideoState(videoRef, containerRef);
  // Waiting for data while meant to play: after a short delay the viewer sees a spinner and why.
  const stalled = useDelayedFlag(video.waiting && !video.paused && !engine.autoplayBlocked);
  const audioOnly = source.level === null && source.url !== status.master;
  const behind = useBehindLive(engine.engineRef);

  useRetryWhenBack(status.state, () => engine.engineRef.current?.retryNow());

  const choose = (next: QualityChoice) => {
    setChoice(next);
    writeSetting(SETTING.quality, next === 'auto' ? null : next);
  };

  const unmute = () => {
    const v = videoRef.current;
    if (!v) return;
    v.muted = false;
    if (v.volume === 0) v.volume = 1;
    engine.engineRef.current?.play();
  };

  const playBlocked = () => {
    engine.clearBlocked();
    engine.engineRef.current?.play();
  };

  const waitingText = video.started || engine.recovering ? t.recovering : t.loading;
  const shownNotice = notice ?? (engine.recovering || stalled ? waitingText : null);
  const spinner = notice !== null && notice !== undefined ? false : engine.recovering || stalled;

  return (
    <div className={`player${audioOnly ? ' player-audio' : ''}`} ref={containerRef}>
      <div className="player-screen">
        <video
          ref={videoRef}
          className="player-video"
          aria-label={t.videoLabel(churchName)}
          playsInline
          muted
          autoPlay
          preload="auto"
        />
        {audioOnly && <AudioPoster churchName={churchName} logoUrl={logoUrl} />}
        {spinner && <span className="spinner player-spinner" aria-hidden="true" />}
        <div className="player-notices" role="status">
          {shownNotice && <p className="player-notice">{shownNotice}</p>}
          {qualityDown !== null && <p className="player-notice player-notice-quality">{t.qualityDropped(`${qualityDown}p`)}</p>}
          {behind && !shownNotice && (
            // Visible text and a real button: touch screens never show the live button's tooltip.
            <p className="player-notice player-behind">
              <span>{t.behindLive}</span>
              <button type="button" className="player-behind-button" onClick={() => engine.engineRef.current?.goLive()}>
                {t.backToLive}
              </button>
            </p>
          )}
        </div>
        {engine.autoplayBlocked ? (
          <button type="button" className="player-cta player-cta-play" onClick={playBlocked}>
            <Icon name="play" />
            {t.tapToPlay}
          </button>
        ) : (
          video.muted && (
            <button type="button" className="player-cta player-cta-unmute" onClick={unmute}>
              <Icon name="muted" />
              {t.unmute}
            </button>
          )
        )}
      </div>
      <PlayerBar
        videoRef={videoRef}
        containerRef={containerRef}
        engineRef={engine.engineRef}
        video={video}
        renditions={status.renditions}
        choice={effectiveChoice}
        onChoose={choose}
        audioOnly={audioOnly}
        behind={behind}
      />
    </div>
  );
}

/** When the stream goes from reconnecting back to live, the player retries at once. */
function useRetryWhenBack(state: StreamState, retry: () => void) {
  const previous = useRef(state);
  useEffect(() => {
    if (previous.current === 'reconnecting' && state === 'live') retry();
    previous.current = state;
  });
}
