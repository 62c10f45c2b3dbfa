import type { HealthSample, IngestHealth as ContractIngestHealth } from '../../../contract/admin.js';
import type { Logger } from '../log/logger.js';
import type { TranscoderHealth } from '../transcode/transcoder.js';
import { keyframeInterval, probeKeyframeTimes } from './keyframes.js';
import type { Observation } from './observer.js';
import type { StorageCheck, StorageHealth } from './storage-check.js';

/** What the admin sees about the incoming stream (contract/admin.ts), with the transcoder's full health. */
export interface IngestHealth extends Omit<ContractIngestHealth, 'transcoder'> {
  transcoder: TranscoderHealth;
}

export type { HealthSample };

/** Input bitrate varying more than this (coefficient of variation over a minute) is "unstable". */
export const UNSTABLE_CV = 0.3;
/** Well above the recommended 2500–4500 kbps: viewers on mobile data cannot follow the source. */
export const TOO_HIGH_KBPS = 6000;
/** How often the HLS disk is measured (the observe loop runs every 500 ms; statfs + a probe write is enough every 2 s). */
export const STORAGE_EVERY_MS = 2000;


export interface IngestHealthOptions {
  fragmentSeconds: number;
  ffprobe: string;
  logger: Logger;
  storage: StorageCheck | null;
  transcoder(): TranscoderHealth;
  now: () => number;
}

/**
 * What the admin sees about the incoming stream, from the observations: input figures, the keyframe
 * interval measured from the source's segments, a ten-minute history, the HLS disk, and the advice that
 * follows from them.
 */
export class IngestHealthTracker {
  private last: Observation | null = null;
  private keyframe: { at: number; segment?: string; interval?: number; samples: number[] } = { at: 0, samples: [] };
  private samples: HealthSample[] = [];
  private lastSampleAt = 0;

  constructor(private readonly o: IngestHealthOptions) {}

  /** A new observation: sampled for the history, and its newest source segment probed for keyframes. */
  observed(obs: Observation): void {
    this.last = obs;
    this.sample(obs);
    void this.measureKeyframes(obs);
  }

  /** The broadcast ended: the next one's keyframes are measured afresh. */
  reset(): void {
    this.keyframe = { at: 0, samples: [] };
  }

  /** The last ten minutes of input figures, one point every 5 s while a publisher is on. */
  history(): HealthSample[] {
    return this.samples;
  }

  health(): IngestHealth {
    const obs = this.last;
    const src = obs?.source;
    const keyframeTooLong = Boolean(obs?.publisher && this.keyframe.interval && this.keyframe.interval > this.o.fragmentSeconds + 0.25);
    const transcoder = this.o.transcoder();
    const storage = this.o.storage?.current();
    return {
      advice: this.advice(keyframeTooLong, transcoder.progress?.speed, storage),
      ...(storage ? { storage } : {}),
      nginxUp: obs?.nginxUp ?? false,
      publisher: obs?.publisher ?? false,
      inputKbps: src ? Math.round((src.bwIn || (obs?.renditions.find((r) => r.id === 'source')?.segmentBitrate ?? 0)) / 1000) : undefined,
      width: src?.video?.width,
      height: src?.video?.height,
      fps: src?.video?.fps,
      videoCodec: src?.video?.codec,
      audioCodec: src?.audio?.codec,
      audioKbps: src?.audio ? Math.round(src.bwAudio / 1000) : undefined,
      keyframeIntervalSec: obs?.publisher ? this.keyframe.interval : undefined,
      keyframeTooLong,
      transcoder,
      renditions: (obs?.renditions ?? []).map((r) => ({
        id: r.id,
        ready: r.ready,
        publishing: r.publishing,
        segments: r.segments,
        lastSegmentAgeSec: r.lastSegmentAgeSec === undefined ? undefined : Math.round(r.lastSegmentAgeSec * 10) / 10,
      })),
    };
  }

  private advice(keyframeTooLong: boolean, speed: number | undefined, storage: StorageHealth | undefined): IngestHealth['advice'] {
    const publisher = this.last?.publisher ?? false;
    const recent = this.samples.filter((x) => Date.parse(x.at) > this.o.now() - 60_000 && x.inputKbps).map((x) => x.inputKbps!);
    const mean = recent.reduce((a, b) => a + b, 0) / (recent.length || 1);
    const cv = recent.length >= 6 ? Math.sqrt(recent.reduce((a, b) => a + (b - mean) ** 2, 0) / recent.length) / mean : 0;
    const advice: IngestHealth['advice'] = [];
    if (keyframeTooLong) advice.push('keyframe_too_long');
    if (publisher && recent.length >= 3 && mean > TOO_HIGH_KBPS) advice.push('bitrate_too_high');
    if (publisher && cv > UNSTABLE_CV) advice.push('bitrate_unstable');
    if (publisher && speed !== undefined && speed > 0 && speed < 0.9) advice.push('transcoder_slow');
    if (storage?.problem === 'disk_full') advice.push('disk_full');
    else if (storage?.problem === 'disk_low') advice.push('disk_low');
    else if (storage?.problem === 'unwritable') advice.push('disk_unwritable');
    return advice;
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
