import type { Logger } from '../log/logger.js';
import type { LiveStream } from '../stream/live-stream.js';
import { reasonFor } from '../stream/state-machine.js';
import type { StatusRendition, StreamStatus } from '../stream/status.js';
import { transcoderArgs, type Ladder } from '../transcode/ladder.js';
import type { Transcoder } from '../transcode/transcoder.js';
import { IngestHealthTracker, STORAGE_EVERY_MS, TOO_HIGH_KBPS, type HealthSample, type IngestHealth } from './ingest-health.js';
import { MasterWriter } from './master-writer.js';
import type { MediaObserver, Observation } from './observer.js';
import { minFreeBytes, StorageCheck } from './storage-check.js';

export type { HealthSample, IngestHealth } from './ingest-health.js';

export interface LivePipelineOptions {
  ladder: Ladder;
  stream: LiveStream;
  observer: MediaObserver;
  transcoder: Transcoder | null;
  logger: Logger;
  /** Folder of the master playlists (served as /video/NAME.m3u8). */
  masterDir: string;
  rtmpPort: number;
  fragmentSeconds: number;
  preset: string;
  threads: number;
  ffmpeg: string;
  ffprobe: string;
  intervalMs?: number;
  /**
   * Observation interval while a publisher is on but the stream is not live yet: "live" is announced
   * within this of the last rendition's first segment (default 100 ms; the steady interval is 500 ms).
   */
  startingIntervalMs?: number;
  /** The ladder's keyframe interval now (the low-delay mode's 1 s); default fragmentSeconds. */
  gopSeconds?: () => number;
  /** Whether the low-delay mode runs (told to players in the status). */
  lowDelay?: () => boolean;
  /** How long on_publish may wait for the ladder to be playing the ingest stream (default 1500 ms). */
  ladderJoinTimeoutMs?: number;
  viewers?: () => number;
  now?: () => number;
  /** The renditions listed in the master playlist changed while live (status must be re-sent). */
  onRenditionsChange?: () => void;
  /** The HLS folder: its disk's free space and writability are reported in health(). */
  storageDir?: string;
}

/** How long after on_publish a publisher missing from /stat is still on its way (the answer is pending). */
const PUBLISH_PENDING_MS = 5000;

/**
 * Runs the live side: observes nginx and the disk, feeds the state machine, keeps the transcoder running
 * while a publisher is there, and writes the master playlist once every rendition is playable.
 */
export class LivePipeline {
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  /** When on_publish last started the ladder: /stat shows the publisher only once it is answered. */
  private publishStartedAt = -Infinity;
  private last: Observation | null = null;
  private readonly now: () => number;
  private readonly storage: StorageCheck | null;
  private readonly master: MasterWriter;
  private readonly ingest: IngestHealthTracker;

  constructor(private readonly o: LivePipelineOptions) {
    this.now = o.now ?? Date.now;
    // Room for three segments of the whole ladder; the source counted at the most OBS should send.
    const ladderBps = (TOO_HIGH_KBPS + o.ladder.rungs.reduce((sum, r) => sum + (r.videoKbps ?? 0) + (r.audioKbps ?? 0), 0)) * 1000;
    this.storage = o.storageDir
      ? new StorageCheck({ dir: o.storageDir, minFreeBytes: minFreeBytes(ladderBps, o.fragmentSeconds), logger: o.logger, everyMs: STORAGE_EVERY_MS, now: this.now })
      : null;
    this.master = new MasterWriter(o.ladder, o.masterDir, o.logger);
    const transcoderHealth = () => o.transcoder?.status() ?? { phase: 'stopped' as const, restarts: 0 };
    this.ingest = new IngestHealthTracker({ fragmentSeconds: o.fragmentSeconds, ffprobe: o.ffprobe, logger: o.logger, storage: this.storage, transcoder: transcoderHealth, now: this.now });
    o.stream.onChange((s, prev) => {
      o.logger.info({ event: 'stream_state', stream: o.ladder.name, state: s.state, previous: prev.state }, `stream ${s.state}`);
      if (s.state === 'offline') {
        this.ingest.reset();
        void this.master.clear();
      }
    });
  }

  start(): void {
    this.stopped = false;
    const loop = async () => {
      this.timer = null;
      if (this.stopped) return;
      try {
        await this.observeOnce();
      } catch (err) {
        this.o.logger.error({ event: 'observe_failed', err: (err as Error).message }, 'observation failed');
      }
      if (!this.stopped) this.timer = setTimeout(() => void loop(), this.nextIntervalMs());
    };
    void loop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.o.transcoder?.stop();
  }

  /** Faster while a publisher waits to go live: the last rendition's first segment is seen sooner. */
  private nextIntervalMs(): number {
    const steady = this.o.intervalMs ?? 500;
    return this.o.stream.state.state === 'starting' ? Math.min(steady, this.o.startingIntervalMs ?? 100) : steady;
  }

  /**
   * nginx's on_publish for the ingest application, after the key was accepted. The ladder starts now,
   * assuming the source has sound (OBS always sends audio); if /stat later says it has none, the
   * transcoder restarts without audio.
   *
   * nginx-rtmp keeps no GOP cache: a player that joins after the publisher's first keyframe waits a whole
   * keyframe interval for the next. nginx lets the publisher send only once this answers, so waiting
   * (bounded) until the ladder plays the stream gives it the very first keyframe, and the rungs' first
   * segments end a keyframe interval sooner. Nothing may restart it until /stat shows the publisher
   * (see driveTranscoder).
   */
  async publishStarted(): Promise<void> {
    this.o.stream.dispatch({ type: 'publish-started', at: this.now() });
    this.publishStartedAt = this.now();
    if (!this.o.transcoder) return;
    this.o.transcoder.ensure(this.ladderArgs(true));
    await this.ladderJoined(this.o.ladderJoinTimeoutMs ?? 1500);
  }

  /** True once /stat shows a player on the ingest stream (the ladder), false at the timeout. */
  private async ladderJoined(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const s = (await this.o.observer.stat())?.apps.get('live')?.find((x) => x.name === this.o.ladder.name);
      if (s && s.clients - (s.publishing ? 1 : 0) >= 1) return true;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    this.o.logger.warn({ event: 'ladder_join_slow', stream: this.o.ladder.name, timeoutMs }, 'publish let through before the ladder was playing');
    return false;
  }

  /** nginx's on_publish_done for the ingest application. /stat decides whether it was our publisher. */
  async publishDone(): Promise<void> {
    const snapshot = await this.o.observer.stat();
    const still = snapshot?.apps.get('live')?.some((s) => s.name === this.o.ladder.name && s.publishing);
    if (still) return;
    this.publishStartedAt = -Infinity;
    this.o.stream.dispatch({ type: 'publish-stopped', at: this.now() });
    await this.o.transcoder?.stop();
  }

  async observeOnce(): Promise<Observation> {
    // Not awaited: a slow disk must not hold up the state machine. It throttles itself.
    void this.storage?.check();
    const obs = await this.o.observer.observe(this.now);
    this.last = obs;
    const stream = this.o.stream;
    // A source without sound (a camera with no microphone) has no audio-only rendition to wait for.
    const silent = obs.source?.video && !obs.source.audio && obs.publisherSince !== undefined && obs.at - obs.publisherSince > 3000;
    const ready = silent ? [...obs.ready, ...this.o.ladder.rungs.filter((r) => r.audioOnly).map((r) => r.id)] : obs.ready;
    // The master playlist is written before "live" is announced: a player told "live" finds it.
    const allReady = obs.publisher && this.o.ladder.all.every((r) => ready.includes(r.id));
    const wasLive = stream.state.state === 'live';
    const masterChanged = allReady || wasLive ? await this.master.update(obs) : false;
    // No master playlist on disk (it could not be written): not "live" yet, whatever the renditions say.
    const announce = allReady && !wasLive && !this.master.written ? [] : ready;
    stream.dispatch({ type: 'observed', at: obs.at, publisher: obs.publisher, publisherSince: obs.publisherSince, ready: announce });
    stream.dispatch({ type: 'tick', at: obs.at });
    if (masterChanged && wasLive && stream.state.state === 'live') this.o.onRenditionsChange?.();
    this.driveTranscoder(obs);
    this.ingest.observed(obs);
    return obs;
  }

  status(): StreamStatus {
    const s = this.o.stream.state;
    const ready = new Set(this.last?.ready ?? []);
    const entries = this.master.entries();
    const renditions: StatusRendition[] =
      s.state === 'offline'
        ? []
        : entries.length > 0
          ? entries.map((e) => ({
              id: e.rendition.id,
              label: e.rendition.label,
              url: e.rendition.url,
              width: e.width,
              height: e.height,
              bandwidth: e.bandwidth,
              audioOnly: e.rendition.audioOnly,
              ready: ready.has(e.rendition.id),
            }))
          : this.o.ladder.all.map((r) => ({
              id: r.id,
              label: r.label,
              url: r.url,
              width: r.width,
              height: r.height,
              bandwidth: ((r.videoKbps ?? 0) + (r.audioKbps ?? 0)) * 1000,
              audioOnly: r.audioOnly,
              ready: ready.has(r.id),
            }));
    return {
      state: s.state,
      since: new Date(s.since).toISOString(),
      name: this.o.ladder.name,
      master: this.o.ladder.masterUrl,
      renditions,
      viewers: this.o.viewers?.() ?? 0,
      reason: reasonFor(s),
      lowDelay: this.o.lowDelay?.() ?? false,
    };
  }

  /** The last ten minutes of input figures, one point every 5 s while a publisher is on. */
  history(): HealthSample[] {
    return this.ingest.history();
  }

  health(): IngestHealth {
    return this.ingest.health();
  }

  /**
   * Whether the publisher's stream carries audio, as the ladder decides it: undefined while nobody
   * publishes or until the metadata is known (a second or so after publishing; 3 s without audio: none).
   */
  sourceHasAudio(): boolean | undefined {
    const obs = this.last;
    if (!obs?.publisher || !obs.source) return undefined;
    if (obs.source.audio) return true;
    return metaKnown(obs) ? !obs.source.video : undefined;
  }

  private driveTranscoder(obs: Observation): void {
    const t = this.o.transcoder;
    if (!t) return;
    if (!obs.publisher || !obs.source) {
      // on_publish is still waiting for the ladder to join: not a publisher that left.
      if (obs.at - this.publishStartedAt < PUBLISH_PENDING_MS) return;
      if (t.wanted) void t.stop();
      return;
    }
    // Wait until the source's metadata says whether it carries audio (a second or so after publishing).
    if (!metaKnown(obs)) return;
    t.ensure(this.ladderArgs(Boolean(obs.source.audio) || !obs.source.video));
  }

  private ladderArgs(sourceHasAudio: boolean): string[] {
    return transcoderArgs({
      ffmpeg: this.o.ffmpeg,
      input: `rtmp://127.0.0.1:${this.o.rtmpPort}/live/${this.o.ladder.name}`,
      outputPrefix: `rtmp://127.0.0.1:${this.o.rtmpPort}/hls`,
      rungs: this.o.ladder.rungs,
      gopSeconds: this.o.gopSeconds?.() ?? this.o.fragmentSeconds,
      preset: this.o.preset,
      threads: this.o.threads,
      sourceHasAudio,
    });
  }

}

/** Whether the source's metadata says if it carries audio: both tracks seen, or 3 s of publishing. */
function metaKnown(obs: Observation): boolean {
  return Boolean(obs.source?.video && obs.source.audio) || (obs.publisherSince !== undefined && obs.at - obs.publisherSince > 3000);
}
