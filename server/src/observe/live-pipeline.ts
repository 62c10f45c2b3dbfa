import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { HealthSample, IngestHealth as ContractIngestHealth } from '../../../contract/admin.js';
import type { Logger } from '../log/logger.js';
import type { LiveStream } from '../stream/live-stream.js';
import { reasonFor } from '../stream/state-machine.js';
import type { StatusRendition, StreamStatus } from '../stream/status.js';
import { keyframeInterval, probeKeyframeTimes } from './keyframes.js';
import { masterEntries, masterPlaylist, transcoderArgs, type Ladder, type MasterEntry, type RenditionMedia } from '../transcode/ladder.js';
import type { MediaObserver, Observation } from './observer.js';
import { minFreeBytes, StorageCheck, type StorageHealth } from './storage-check.js';
import type { Transcoder, TranscoderHealth } from '../transcode/transcoder.js';

/** What the admin sees about the incoming stream (contract/admin.ts), with the transcoder's full health. */
export interface IngestHealth extends Omit<ContractIngestHealth, 'transcoder'> {
  transcoder: TranscoderHealth;
}

export type { HealthSample };

/** Input bitrate varying more than this (coefficient of variation over a minute) is "unstable". */
const UNSTABLE_CV = 0.3;
/** Well above the recommended 2500–4500 kbps: viewers on mobile data cannot follow the source. */
const TOO_HIGH_KBPS = 6000;
/** How often the HLS disk is measured (the observe loop runs every 500 ms; statfs + a probe write is enough every 2 s). */
const STORAGE_EVERY_MS = 2000;

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
  viewers?: () => number;
  now?: () => number;
  /** The renditions listed in the master playlist changed while live (status must be re-sent). */
  onRenditionsChange?: () => void;
  /** The HLS folder: its disk's free space and writability are reported in health(). */
  storageDir?: string;
}

/**
 * Runs the live side: observes nginx and the disk, feeds the state machine, keeps the transcoder running
 * while a publisher is there, and writes the master playlist once every rendition is playable.
 */
export class LivePipeline {
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  private last: Observation | null = null;
  private listed = new Map<string, RenditionMedia>();
  private masterText = '';
  private masterWriteError: string | undefined;
  private keyframe: { at: number; segment?: string; interval?: number; samples: number[] } = { at: 0, samples: [] };
  private readonly now: () => number;
  private samples: HealthSample[] = [];
  private lastSampleAt = 0;
  private readonly storage: StorageCheck | null;

  constructor(private readonly o: LivePipelineOptions) {
    this.now = o.now ?? Date.now;
    // Room for three segments of the whole ladder; the source counted at the most OBS should send.
    const ladderBps = (TOO_HIGH_KBPS + o.ladder.rungs.reduce((sum, r) => sum + (r.videoKbps ?? 0) + (r.audioKbps ?? 0), 0)) * 1000;
    this.storage = o.storageDir
      ? new StorageCheck({ dir: o.storageDir, minFreeBytes: minFreeBytes(ladderBps, o.fragmentSeconds), logger: o.logger, everyMs: STORAGE_EVERY_MS, now: this.now })
      : null;
    o.stream.onChange((s, prev) => {
      o.logger.info({ event: 'stream_state', stream: o.ladder.name, state: s.state, previous: prev.state }, `stream ${s.state}`);
      if (s.state === 'offline') void this.clearMaster();
    });
  }

  start(): void {
    const loop = async () => {
      if (this.running) return;
      this.running = true;
      try {
        await this.observeOnce();
      } catch (err) {
        this.o.logger.error({ event: 'observe_failed', err: (err as Error).message }, 'observation failed');
      } finally {
        this.running = false;
      }
    };
    void loop();
    this.timer = setInterval(() => void loop(), this.o.intervalMs ?? 500);
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.o.transcoder?.stop();
  }

  /**
   * nginx's on_publish for the ingest application, after the key was accepted. The ladder starts now,
   * assuming the source has sound (OBS always sends audio); if /stat later says it has none, the
   * transcoder restarts without audio.
   */
  publishStarted(): void {
    this.o.stream.dispatch({ type: 'publish-started', at: this.now() });
    this.o.transcoder?.ensure(this.ladderArgs(true));
  }

  /** nginx's on_publish_done for the ingest application. /stat decides whether it was our publisher. */
  async publishDone(): Promise<void> {
    const snapshot = await this.o.observer.stat();
    const still = snapshot?.apps.get('live')?.some((s) => s.name === this.o.ladder.name && s.publishing);
    if (still) return;
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
    const masterChanged = allReady || wasLive ? await this.updateMaster(obs) : false;
    // No master playlist on disk (it could not be written): not "live" yet, whatever the renditions say.
    const announce = allReady && !wasLive && this.masterText === '' ? [] : ready;
    stream.dispatch({ type: 'observed', at: obs.at, publisher: obs.publisher, publisherSince: obs.publisherSince, ready: announce });
    stream.dispatch({ type: 'tick', at: obs.at });
    if (masterChanged && wasLive && stream.state.state === 'live') this.o.onRenditionsChange?.();
    this.driveTranscoder(obs);
    this.sample(obs);
    void this.measureKeyframes(obs);
    return obs;
  }

  status(): StreamStatus {
    const s = this.o.stream.state;
    const ready = new Set(this.last?.ready ?? []);
    const entries = this.entries();
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
    };
  }

  /** The last ten minutes of input figures, one point every 5 s while a publisher is on. */
  history(): HealthSample[] {
    return this.samples;
  }

  health(): IngestHealth {
    const obs = this.last;
    const src = obs?.source;
    const keyframeTooLong = Boolean(obs?.publisher && this.keyframe.interval && this.keyframe.interval > this.o.fragmentSeconds + 0.25);
    const recent = this.samples.filter((x) => Date.parse(x.at) > this.now() - 60_000 && x.inputKbps).map((x) => x.inputKbps!);
    const mean = recent.reduce((a, b) => a + b, 0) / (recent.length || 1);
    const cv = recent.length >= 6 ? Math.sqrt(recent.reduce((a, b) => a + (b - mean) ** 2, 0) / recent.length) / mean : 0;
    const speed = this.o.transcoder?.status().progress?.speed;
    const advice: IngestHealth['advice'] = [];
    if (keyframeTooLong) advice.push('keyframe_too_long');
    if (obs?.publisher && recent.length >= 3 && mean > TOO_HIGH_KBPS) advice.push('bitrate_too_high');
    if (obs?.publisher && cv > UNSTABLE_CV) advice.push('bitrate_unstable');
    if (obs?.publisher && speed !== undefined && speed > 0 && speed < 0.9) advice.push('transcoder_slow');
    const storage = this.storage?.current();
    if (storage?.problem === 'disk_full') advice.push('disk_full');
    else if (storage?.problem === 'disk_low') advice.push('disk_low');
    else if (storage?.problem === 'unwritable') advice.push('disk_unwritable');
    return {
      advice,
      ...(storage ? { storage } : {}),
      nginxUp: obs?.nginxUp ?? false,
      publisher: obs?.publisher ?? false,
      inputKbps: src ? Math.round((src.bwIn || (obs?.renditions.find((r) => r.id === 'source')?.segmentBitrate ?? 0)) / 1000) : undefined,
      width: src?.video?.width,
      height: src?.video?.height,
      fps: src?.video?.fps,
      videoCodec: src?.video?.codec,
      audioCodec: src?.audio?.codec,
      keyframeIntervalSec: obs?.publisher ? this.keyframe.interval : undefined,
      keyframeTooLong,
      transcoder: this.o.transcoder?.status() ?? { phase: 'stopped', restarts: 0 },
      renditions: (obs?.renditions ?? []).map((r) => ({
        id: r.id,
        ready: r.ready,
        publishing: r.publishing,
        segments: r.segments,
        lastSegmentAgeSec: r.lastSegmentAgeSec === undefined ? undefined : Math.round(r.lastSegmentAgeSec * 10) / 10,
      })),
    };
  }

  private sample(obs: Observation): void {
    if (!obs.publisher || obs.at - this.lastSampleAt < 5000) return;
    this.lastSampleAt = obs.at;
    const h = this.health();
    this.samples.push({
      at: new Date(obs.at).toISOString(),
      inputKbps: h.inputKbps,
      fps: h.fps,
      width: h.width,
      height: h.height,
      keyframeIntervalSec: h.keyframeIntervalSec,
      transcoderSpeed: h.transcoder.progress?.speed,
    });
    const cutoff = obs.at - 10 * 60_000;
    while (this.samples.length > 0 && Date.parse(this.samples[0]!.at) < cutoff) this.samples.shift();
  }

  private driveTranscoder(obs: Observation): void {
    const t = this.o.transcoder;
    if (!t) return;
    if (!obs.publisher || !obs.source) {
      if (t.wanted) void t.stop();
      return;
    }
    // Wait until the source's metadata says whether it carries audio (a second or so after publishing).
    const metaKnown = Boolean(obs.source.video && obs.source.audio) || (obs.publisherSince !== undefined && obs.at - obs.publisherSince > 3000);
    if (!metaKnown) return;
    t.ensure(this.ladderArgs(Boolean(obs.source.audio) || !obs.source.video));
  }

  private ladderArgs(sourceHasAudio: boolean): string[] {
    return transcoderArgs({
      ffmpeg: this.o.ffmpeg,
      input: `rtmp://127.0.0.1:${this.o.rtmpPort}/live/${this.o.ladder.name}`,
      outputPrefix: `rtmp://127.0.0.1:${this.o.rtmpPort}/hls`,
      rungs: this.o.ladder.rungs,
      gopSeconds: this.o.fragmentSeconds,
      preset: this.o.preset,
      threads: this.o.threads,
      sourceHasAudio,
    });
  }

  private entries(): MasterEntry[] {
    return masterEntries(this.o.ladder, this.listed);
  }

  /** Writes the master playlist if its content changed; true when it did. */
  private async updateMaster(obs: Observation): Promise<boolean> {
    for (const r of obs.renditions) {
      if (r.ready && r.media && !this.listed.has(r.id)) this.listed.set(r.id, r.media);
      // The source may change resolution when OBS's settings change; follow it.
      const prev = this.listed.get(r.id);
      if (r.ready && r.media && prev && (prev.width !== r.media.width || prev.height !== r.media.height)) this.listed.set(r.id, r.media);
    }
    const text = masterPlaylist(this.entries());
    if (text === this.masterText) return false;
    const file = path.join(this.o.masterDir, `${this.o.ladder.name}.m3u8`);
    const tmp = `${file}.tmp`;
    try {
      await mkdir(this.o.masterDir, { recursive: true });
      await writeFile(tmp, text);
      await rename(tmp, file);
    } catch (err) {
      // A full disk must not stop the state from being observed: the previous master stays, and the next
      // observation tries again (health says why: storage).
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== this.masterWriteError) this.o.logger.error({ event: 'master_write_failed', code }, 'could not write the master playlist');
      this.masterWriteError = code;
      await rm(tmp, { force: true }).catch(() => undefined);
      return false;
    }
    this.masterWriteError = undefined;
    this.masterText = text;
    this.o.logger.info({ event: 'master_written', stream: this.o.ladder.name, renditions: [...this.listed.keys()] }, 'master playlist written');
    return true;
  }

  private async clearMaster(): Promise<void> {
    this.listed.clear();
    this.masterText = '';
    this.keyframe = { at: 0, samples: [] };
    await rm(path.join(this.o.masterDir, `${this.o.ladder.name}.m3u8`), { force: true });
  }

  private async measureKeyframes(obs: Observation): Promise<void> {
    const source = obs.renditions.find((r) => r.id === 'source');
    if (!obs.publisher || !source?.newestSegmentPath || !source.playlist) return;
    if (source.newestSegmentPath === this.keyframe.segment || obs.at - this.keyframe.at < 6_000) return;
    const duration = source.playlist.segments[source.playlist.segments.length - 1]?.duration ?? 0;
    this.keyframe = { ...this.keyframe, at: obs.at, segment: source.newestSegmentPath };
    try {
      const times = await probeKeyframeTimes(this.o.ffprobe, source.newestSegmentPath);
      const interval = keyframeInterval(times, duration);
      if (interval === undefined) return;
      // The median of the last few segments: one odd segment (the first one, a scene change) is not a trend.
      const samples = [...this.keyframe.samples, interval].slice(-5);
      const sorted = [...samples].sort((a, b) => a - b);
      this.keyframe = { ...this.keyframe, samples, interval: sorted[Math.floor(sorted.length / 2)] };
    } catch (err) {
      this.o.logger.debug({ event: 'keyframe_probe_failed', err: (err as Error).message }, 'keyframe probe failed');
    }
  }
}
