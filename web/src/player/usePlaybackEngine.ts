import { useEffect, useRef, useState, type RefObject } from 'react';
import { loadHls, PlaybackEngine, prefersNativeHls, type EngineEvent, type PlaybackSource } from './playback-engine';

export interface EngineState {
  recovering: boolean;
  autoplayBlocked: boolean;
}

/**
 * Owns a PlaybackEngine for the lifetime of the <video>: created once (hls.js is fetched on the first live
 * moment, never on the offline page), told about each new source, destroyed on unmount.
 */
export function usePlaybackEngine(
  videoRef: RefObject<HTMLVideoElement | null>,
  source: PlaybackSource,
  onQualityDown: (height: number) => void = () => {},
) {
  const engineRef = useRef<PlaybackEngine | null>(null);
  const sourceRef = useRef(source);
  sourceRef.current = source;
  const qualityDownRef = useRef(onQualityDown);
  qualityDownRef.current = onQualityDown;
  const [state, setState] = useState<EngineState>({ recovering: false, autoplayBlocked: false });

  useEffect(() => {
    const video = videoRef.current;
    if (!video) return;
    let cancelled = false;
    const onEvent = (e: EngineEvent) => {
      if (e.type === 'recovering') setState((s) => ({ ...s, recovering: true }));
      else if (e.type === 'recovered') setState({ recovering: false, autoplayBlocked: false });
      else if (e.type === 'quality-down') qualityDownRef.current(e.height);
      else setState((s) => ({ ...s, autoplayBlocked: true }));
    };
    // Muted before the first play(): browsers only autoplay silent media.
    video.muted = true;
    const start = (Hls: Awaited<ReturnType<typeof loadHls>> | null) => {
      if (cancelled) return;
      const useHls = Hls !== null && Hls.isSupported() ? Hls : null;
      const engine = new PlaybackEngine(video, useHls, onEvent);
      engineRef.current = engine;
      engine.open(sourceRef.current);
    };
    if (prefersNativeHls(video)) start(null);
    else loadHls().then(start, () => start(null));
    return () => {
      cancelled = true;
      engineRef.current?.destroy();
      engineRef.current = null;
    };
  }, [videoRef]);

  useEffect(() => {
    engineRef.current?.open(source);
  }, [source.url, source.level?.id]); // eslint-disable-line react-hooks/exhaustive-deps

  return { engineRef, ...state, clearBlocked: () => setState((s) => ({ ...s, autoplayBlocked: false })) };
}
