import type HlsType from 'hls.js/dist/hls.light.mjs';
import type { ErrorData, FetchLoader as FetchLoaderType, FragmentLoaderConstructor, LoaderConfiguration } from 'hls.js/dist/hls.light.mjs';
import type { Rendition } from '../api/status';
import { levelIndexFor } from './quality';

/** What the engine tells the player's UI. */
export type EngineEvent =
  | { type: 'recovering' }
  | { type: 'recovered' }
  | { type: 'autoplay-blocked' }
  /** Adaptive playback stepped down to a smaller picture (the connection could not keep up). */
  | { type: 'quality-down'; height: number };

export interface PlaybackSource {
  /** The master playlist, or one rendition's own media playlist (audio only, or a fixed quality on iOS). */
  url: string;
  /** With the master: the level to hold (null = adaptive). */
  level: Rendition | null;
  /** The server runs the low-delay mode (1 s fragments): keep closer to the live edge. */
  lowDelay?: boolean;
}

/**
 * hls.js's live timing per mode. Default: three 2 s fragments behind the newest listed one. Low delay:
 * two 1 s fragments. After a stall, playback speeds up a little (at most 1.05×, 1.1× in low delay) until
 * it is back at that distance, instead of keeping the stall's seconds of delay for the rest of the service.
 */
export function liveTiming(lowDelay: boolean) {
  return lowDelay
    ? { liveSyncDurationCount: 2, liveMaxLatencyDurationCount: 6, maxLiveSyncPlaybackRate: 1.1 }
    : { liveSyncDurationCount: 3, maxLiveSyncPlaybackRate: 1.05 };
}

type HlsClass = typeof HlsType;

const STALL_MS = 15_000;
/** Below the smallest video rung's advertised bandwidth (360p: 400 + 64 kbps, +10 %). */
const START_ESTIMATE_BPS = 300_000;
const WATCH_MS = 2_000;

/** Loads the light build of hls.js on demand, so the offline page never downloads it. */
export function loadHls(): Promise<HlsClass> {
  return import('hls.js/dist/hls.light.mjs').then((m) => firstBytesFirst(m.default, m.FetchLoader));
}

/** Bytes of a segment handed to the demuxer at a time (hls.js waits for 128 KiB: a whole 360p segment). */
const CHUNK_BYTES = 16 * 1024;

/**
 * hls.js with its progressive (fetch streaming) loader handing segments over in small chunks: on a slow
 * link the first frame is shown once its keyframe has arrived, not after the whole first segment.
 */
function firstBytesFirst(Hls: HlsClass, FetchLoader: typeof FetchLoaderType): HlsClass {
  class ChunkedFragmentLoader extends FetchLoader {
    override load(context: Parameters<FetchLoaderType['load']>[0], config: LoaderConfiguration, callbacks: Parameters<FetchLoaderType['load']>[2]): void {
      const small = Number.isFinite(config.highWaterMark) ? { ...config, highWaterMark: CHUNK_BYTES } : config;
      super.load(context, small, callbacks);
    }
  }
  return class extends Hls {
    constructor(config: ConstructorParameters<HlsClass>[0] = {}) {
      // A FetchLoader loads fragments as well as playlists: its context type is the wider one.
      super({ fLoader: ChunkedFragmentLoader as unknown as FragmentLoaderConstructor, ...config });
    }
  };
}

/** iOS Safari: HLS is native and there is no MediaSource for hls.js. */
export function prefersNativeHls(video: HTMLVideoElement): boolean {
  return video.canPlayType('application/vnd.apple.mpegurl') !== '' && typeof window.MediaSource === 'undefined';
}

/**
 * Plays a live HLS source in a <video> and never gives up while mounted: fatal errors are recovered
 * (recoverMediaError, startLoad) or the source is reloaded with backoff; a stall is treated like an error.
 */
export class PlaybackEngine {
  private hls: HlsType | null = null;
  private source: PlaybackSource | null = null;
  private retries = 0;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private watchTimer: ReturnType<typeof setInterval> | null = null;
  private lastTime = -1;
  private stalledSince = 0;
  private lastMediaRecovery = 0;
  private recovering = false;
  private userPaused = false;
  private destroyed = false;
  /** A level just chosen by hand, whose first playlist decides whether we must step back to its live edge. */
  private levelToAlign: number | null = null;

  constructor(
    private readonly video: HTMLVideoElement,
    /** null: play natively (iOS). */
    private readonly Hls: HlsClass | null,
    private readonly emit: (event: EngineEvent) => void,
  ) {
    video.addEventListener('playing', this.onPlaying);
    video.addEventListener('ended', this.onEnded);
    video.addEventListener('error', this.onVideoError);
    this.watchTimer = setInterval(this.watch, WATCH_MS);
  }

  open(source: PlaybackSource): void {
    const previous = this.source;
    this.source = source;
    const sameUrl = previous?.url === source.url && Boolean(previous?.lowDelay) === Boolean(source.lowDelay);
    if (sameUrl && (previous?.level?.id ?? null) === (source.level?.id ?? null)) return;
    if (sameUrl && this.hls) {
      this.applyLevel();
      return;
    }
    this.reload();
  }

  play(): void {
    this.userPaused = false;
    this.tryPlay();
  }

  pause(): void {
    this.userPaused = true;
    this.video.pause();
  }

  /** The live edge: hls.js's sync position, or the end of what is seekable natively. */
  liveEdge(): number | null {
    if (this.hls) return this.hls.liveSyncPosition;
    const s = this.video.seekable;
    return s.length > 0 ? s.end(s.length - 1) : null;
  }

  /** How far behind the live edge playback is, in seconds (0 when unknown). */
  behindLive(): number {
    const edge = this.liveEdge();
    return edge === null ? 0 : Math.max(0, edge - this.video.currentTime);
  }

  /** Seconds behind live beyond which the UI offers to jump back (three target durations). */
  behindThreshold(): number {
    const target = this.hls?.targetLatency;
    return Math.max(10, (target ?? 6) + 6);
  }

  goLive(): void {
    const edge = this.liveEdge();
    if (edge !== null && Number.isFinite(edge)) this.video.currentTime = edge;
    this.play();
  }

  /** The stream came back: retry at once instead of waiting out the backoff. */
  retryNow(): void {
    if (!this.recovering) return;
    this.retries = 0;
    this.reload();
  }

  destroy(): void {
    this.destroyed = true;
    this.clearRetry();
    if (this.watchTimer) clearInterval(this.watchTimer);
    this.video.removeEventListener('playing', this.onPlaying);
    this.video.removeEventListener('ended', this.onEnded);
    this.video.removeEventListener('error', this.onVideoError);
    this.hls?.destroy();
    this.hls = null;
    this.video.removeAttribute('src');
    this.video.load();
  }

  private reload(): void {
    this.clearRetry();
    this.hls?.destroy();
    this.hls = null;
    this.stalledSince = 0;
    this.lastTime = -1;
    const source = this.source;
    if (!source || this.destroyed) return;
    if (!this.Hls) {
      this.video.src = source.level?.url ?? source.url;
      this.tryPlay();
      return;
    }
    const hls = new this.Hls({
      capLevelToPlayerSize: true,
      backBufferLength: 30,
      ...liveTiming(source.lowDelay === true),
      startFragPrefetch: true,
      startOnSegmentBoundary: true,
      // Bandwidth unknown at first: an estimate below every video rung's BANDWIDTH starts on the lowest
      // one (a phone on mobile data sees a picture soonest), and ABR climbs once segments are measured.
      abrEwmaDefaultEstimate: START_ESTIMATE_BPS,
      // Append a segment as it arrives (fetch streaming): the first frame shows before its last byte.
      progressive: true,
    });
    this.hls = hls;
    hls.on(this.Hls.Events.MANIFEST_PARSED, () => {
      this.applyLevel();
      this.tryPlay();
    });
    hls.on(this.Hls.Events.FRAG_BUFFERED, () => {
      this.retries = 0;
    });
    // hls.js seeks to its start position only once the whole first segment is buffered; with the segment
    // arriving in chunks, start at its first keyframe as soon as that is in the buffer.
    let started = false;
    hls.on(this.Hls.Events.BUFFER_APPENDED, () => {
      const b = this.video.buffered;
      if (started || b.length === 0) return;
      started = true;
      if (this.video.currentTime < b.start(0)) this.video.currentTime = b.start(0);
    });
    let shown: { index: number; height: number } | null = null;
    hls.on(this.Hls.Events.LEVEL_SWITCHED, (_event, data) => {
      const height = hls.levels[data.level]?.height ?? 0;
      const adaptive = this.source?.level === null && hls.autoLevelEnabled;
      // A smaller player (leaving full screen) caps the level too: only a drop the cap did not force is the connection.
      const capped = shown !== null && shown.index > hls.maxAutoLevel;
      if (adaptive && !capped && shown !== null && height > 0 && height < shown.height) this.emit({ type: 'quality-down', height });
      shown = { index: data.level, height };
    });
    hls.on(this.Hls.Events.LEVEL_UPDATED, (_event, data) => {
      if (data.level !== this.levelToAlign) return;
      this.levelToAlign = null;
      // Transcoded rungs run a few seconds behind the source. Coming down from the source near its live edge,
      // the new level has nothing there yet and would stall until it catches up: start from its own live edge.
      const sync = hls.liveSyncPosition ?? data.details.edge - 3 * data.details.targetduration;
      if (data.details.live && Number.isFinite(sync) && this.video.currentTime > sync + 1) this.video.currentTime = sync;
    });
    hls.on(this.Hls.Events.ERROR, (_event, data) => this.onHlsError(hls, data));
    hls.attachMedia(this.video);
    hls.loadSource(source.url);
  }

  private applyLevel(): void {
    const hls = this.hls;
    const level = this.source?.level ?? null;
    if (!hls || hls.levels.length === 0) return;
    if (level === null) {
      // Back to adaptive without flushing what is already buffered.
      if (!hls.autoLevelEnabled) hls.loadLevel = -1;
      return;
    }
    const index = levelIndexFor(hls.levels, level, location.href);
    if (index >= 0 && hls.currentLevel !== index) {
      this.levelToAlign = index;
      hls.currentLevel = index;
    }
  }

  private onHlsError(hls: HlsType, data: ErrorData): void {
    if (!data.fatal || hls !== this.hls || !this.Hls) return;
    this.setRecovering(true);
    const { ErrorTypes } = this.Hls;
    if (data.type === ErrorTypes.MEDIA_ERROR) {
      const now = Date.now();
      if (now - this.lastMediaRecovery > 5_000) {
        this.lastMediaRecovery = now;
        hls.recoverMediaError();
        return;
      }
      this.scheduleReload();
      return;
    }
    if (data.type === ErrorTypes.NETWORK_ERROR && hls.levels.length > 0) {
      // The playlists or segments are briefly missing (publisher reconnecting): keep the instance, resume loading.
      this.schedule(() => hls.startLoad(-1));
      return;
    }
    this.scheduleReload();
  }

  private scheduleReload(): void {
    this.schedule(() => this.reload());
  }

  private schedule(action: () => void): void {
    this.clearRetry();
    const delay = Math.min(8_000, 1_000 * 2 ** Math.min(this.retries, 3));
    this.retries++;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (!this.destroyed) action();
    }, delay);
  }

  private clearRetry(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }

  private tryPlay(): void {
    if (this.userPaused) return;
    this.video.play().catch((err: unknown) => {
      if (err instanceof DOMException && err.name === 'NotAllowedError') this.emit({ type: 'autoplay-blocked' });
      // AbortError: a newer load replaced this one; nothing to do.
    });
  }

  private setRecovering(on: boolean): void {
    if (this.recovering === on) return;
    this.recovering = on;
    this.emit({ type: on ? 'recovering' : 'recovered' });
  }

  private readonly onPlaying = () => {
    this.retries = 0;
    this.stalledSince = 0;
    this.setRecovering(false);
  };

  /** A live stream does not end while we are mounted: the playlist was closed and will reopen. */
  private readonly onEnded = () => {
    this.setRecovering(true);
    this.scheduleReload();
  };

  private readonly onVideoError = () => {
    if (this.hls) return; // hls.js reports its own errors
    this.setRecovering(true);
    this.scheduleReload();
  };

  /** Playback that should be moving but is not, for too long, gets a fresh load. */
  private readonly watch = () => {
    const v = this.video;
    if (this.userPaused || this.retryTimer || (v.paused && v.readyState > 0)) {
      this.stalledSince = 0;
      this.lastTime = v.currentTime;
      return;
    }
    const now = Date.now();
    if (v.currentTime !== this.lastTime) {
      this.lastTime = v.currentTime;
      this.stalledSince = 0;
      return;
    }
    if (this.stalledSince === 0) this.stalledSince = now;
    else if (now - this.stalledSince > STALL_MS) {
      this.setRecovering(true);
      this.retries = Math.min(this.retries, 2);
      this.reload();
    }
  };
}
