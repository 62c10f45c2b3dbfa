import { useEffect, useState, type RefObject } from 'react';

export interface VideoState {
  paused: boolean;
  muted: boolean;
  volume: number;
  waiting: boolean;
  /** The picture has moved at least once: a later wait is a stall, not the first load. */
  started: boolean;
  fullscreen: boolean;
  pipSupported: boolean;
  fullscreenSupported: boolean;
}

const INITIAL: VideoState = {
  paused: true,
  muted: true,
  volume: 1,
  waiting: true,
  started: false,
  fullscreen: false,
  pipSupported: false,
  fullscreenSupported: false,
};

type IOSVideo = HTMLVideoElement & { webkitEnterFullscreen?: () => void };

/** The <video>'s state, mirrored into React from its events (the element stays the source of truth). */
export function useVideoState(
  videoRef: RefObject<HTMLVideoElement | null>,
  containerRef: RefObject<HTMLElement | null>,
): VideoState {
  const [state, setState] = useState<VideoState>(INITIAL);

  useEffect(() => {
    const v = videoRef.current;
    if (!v) return;
    const sync = () =>
      setState((s) => ({
        ...s,
        paused: v.paused,
        muted: v.muted,
        volume: v.volume,
        fullscreen: document.fullscreenElement === containerRef.current,
      }));
    const waiting = () => setState((s) => ({ ...s, waiting: true }));
    const moving = () => setState((s) => ({ ...s, waiting: false, started: true }));
    setState((s) => ({
      ...s,
      pipSupported: document.pictureInPictureEnabled === true && typeof v.requestPictureInPicture === 'function',
      fullscreenSupported: document.fullscreenEnabled === true || typeof (v as IOSVideo).webkitEnterFullscreen === 'function',
    }));
    sync();
    const events = ['play', 'pause', 'volumechange', 'playing'] as const;
    for (const e of events) v.addEventListener(e, sync);
    v.addEventListener('waiting', waiting);
    v.addEventListener('playing', moving);
    document.addEventListener('fullscreenchange', sync);
    return () => {
      for (const e of events) v.removeEventListener(e, sync);
      v.removeEventListener('waiting', waiting);
      v.removeEventListener('playing', moving);
      document.removeEventListener('fullscreenchange', sync);
    };
  }, [videoRef, containerRef]);

  return state;
}

export function toggleFullscreen(video: HTMLVideoElement, container: HTMLElement): void {
  if (document.fullscreenElement) {
    void document.exitFullscreen().catch(() => {});
  } else if (document.fullscreenEnabled && container.requestFullscreen) {
    void container.requestFullscreen().catch(() => {});
  } else {
    // iPhone: only the video element itself can go full screen.
    (video as IOSVideo).webkitEnterFullscreen?.();
  }
}

export function togglePictureInPicture(video: HTMLVideoElement): void {
  if (document.pictureInPictureElement) void document.exitPictureInPicture().catch(() => {});
  else void video.requestPictureInPicture().catch(() => {});
}
