import { useEffect, useId, useState, type RefObject } from 'react';
import { useI18n } from '../i18n/I18nProvider';
import type { Rendition } from '../api/status';
import { Icon } from './icons';
import type { PlaybackEngine } from './playback-engine';
import { QualitySelect } from './QualitySelect';
import { toggleFullscreen, togglePictureInPicture, type VideoState } from './useVideoState';

interface PlayerBarProps {
  videoRef: RefObject<HTMLVideoElement | null>;
  containerRef: RefObject<HTMLElement | null>;
  engineRef: RefObject<PlaybackEngine | null>;
  video: VideoState;
  renditions: readonly Rendition[];
  choice: string;
  onChoose(choice: string): void;
  audioOnly: boolean;
  /** Playback lags the live edge (see useBehindLive). */
  behind: boolean;
}

/** The control bar under the picture: always visible, so it works the same by touch, mouse and keyboard. */
export function PlayerBar({ videoRef, containerRef, engineRef, video, renditions, choice, onChoose, audioOnly, behind }: PlayerBarProps) {
  const { t } = useI18n();
  const volumeId = useId();

  const togglePlay = () => {
    const engine = engineRef.current;
    if (!engine) return;
    if (video.paused) engine.play();
    else engine.pause();
  };
  const toggleMute = () => {
    const v = videoRef.current;
    if (!v) return;
    v.muted = !v.muted;
    if (!v.muted && v.volume === 0) v.volume = 1;
  };
  const setVolume = (value: number) => {
    const v = videoRef.current;
    if (!v) return;
    v.volume = value;
    v.muted = value === 0;
  };
  const silent = video.muted || video.volume === 0;

  return (
    <div className="player-bar" role="group" aria-label={t.playerControls}>
      <button type="button" className="icon-button" onClick={togglePlay} aria-label={video.paused ? t.play : t.pause} title={video.paused ? t.play : t.pause}>
        <Icon name={video.paused ? 'play' : 'pause'} />
      </button>
      <button type="button" className="icon-button" onClick={toggleMute} aria-label={silent ? t.unmuteShort : t.mute} title={silent ? t.unmuteShort : t.mute}>
        <Icon name={silent ? 'muted' : 'volume'} />
      </button>
      <label className="sr-only" htmlFor={volumeId}>
        {t.volume}
      </label>
      <input
        id={volumeId}
        className="volume"
        type="range"
        min={0}
        max={1}
        step={0.05}
        value={video.muted ? 0 : video.volume}
        onChange={(e) => setVolume(Number(e.currentTarget.value))}
      />
      <button
        type="button"
        className={`live-button${behind ? ' is-behind' : ''}`}
        onClick={() => engineRef.current?.goLive()}
        aria-label={t.goLive}
        title={behind ? t.behindLive : t.goLive}
      >
        <span className="live-dot" aria-hidden="true" />
        {t.liveBadge}
      </button>
      <span className="player-bar-spacer" />
      <QualitySelect renditions={renditions} choice={choice} onChoose={onChoose} />
      {video.pipSupported && !audioOnly && (
        <button
          type="button"
          className="icon-button"
          onClick={() => videoRef.current && togglePictureInPicture(videoRef.current)}
          aria-label={t.pictureInPicture}
          title={t.pictureInPicture}
        >
          <Icon name="pip" />
        </button>
      )}
      {video.fullscreenSupported && (
        <button
          type="button"
          className="icon-button"
          onClick={() => videoRef.current && containerRef.current && toggleFullscreen(videoRef.current, containerRef.current)}
          aria-label={video.fullscreen ? t.exitFullscreen : t.fullscreen}
          title={video.fullscreen ? t.exitFullscreen : t.fullscreen}
        >
          <Icon name={video.fullscreen ? 'exitFullscreen' : 'fullscreen'} />
        </button>
      )}
    </div>
  );
}

/** True while playback lags the live edge by more than the engine's threshold (checked once a second). */
export function useBehindLive(engineRef: RefObject<PlaybackEngine | null>): boolean {
  const [behind, setBehind] = useState(false);
  useEffect(() => {
    const timer = setInterval(() => {
      const engine = engineRef.current;
      setBehind(engine ? engine.behindLive() > engine.behindThreshold() : false);
    }, 1000);
    return () => clearInterval(timer);
  }, [engineRef]);
  return behind;
}
