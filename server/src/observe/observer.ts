import { readFile, stat } from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import type { Ladder, RenditionMedia } from '../transcode/ladder.js';
import { aacCodec, avcCodec } from '../transcode/ladder.js';
import { parseMediaPlaylist, type MediaPlaylist } from './playlist.js';
import { findStream, parseStat, type StatSnapshot, type StatStream } from './stat.js';

/** What the media side looks like right now, from nginx's /stat and the playlists on disk. */
export interface Observation {
  at: number;
  /** /stat answered. */
  nginxUp: boolean;
  /** The public stream is being published into the ingest application. */
  publisher: boolean;
  publisherSince?: number;
  source?: StatStream;
  /** Renditions whose playlist lists a complete segment written during their current session. */
  ready: string[];
  renditions: RenditionObservation[];
}

export interface RenditionObservation {
  id: string;
  publishing: boolean;
  ready: boolean;
  segments: number;
  /** Seconds since its newest segment was written. */
  lastSegmentAgeSec?: number;
  /** Bits per second of its newest segment (size / duration): known from the first segment on. */
  segmentBitrate?: number;
  media?: RenditionMedia;
  playlist?: MediaPlaylist;
  newestSegmentPath?: string;
}

export interface ObserverOptions {
  statUrl: string;
  /** Folder nginx-rtmp writes the renditions into (hls_path). */
  hlsDir: string;
  ladder: Ladder;
  fragmentSeconds: number;
  ingestApp?: string;
  hlsApp?: string;
}

export function fetchText(url: string, timeoutMs = 1500): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { timeout: timeoutMs }, (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        reject(new Error(`HTTP ${res.statusCode} from ${url}`));
        return;
      }
      res.setEncoding('utf8');
      let body = '';
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve(body));
    });
    req.on('timeout', () => req.destroy(new Error(`timeout after ${timeoutMs} ms: ${url}`)));
    req.on('error', reject);
  });
}

export class MediaObserver {
  constructor(private readonly o: ObserverOptions) {}

  async stat(): Promise<StatSnapshot | null> {
    try {
      return parseStat(await fetchText(this.o.statUrl));
    } catch {
      return null;
    }
  }

  async observe(now: () => number = Date.now): Promise<Observation> {
    const snapshot = await this.stat();
    const at = now();
    const ingest = this.o.ingestApp ?? 'live';
    const hls = this.o.hlsApp ?? 'hls';
    const source = snapshot ? findStream(snapshot, ingest, this.o.ladder.name) : undefined;
    const publisher = Boolean(source?.publishing);
    const publisherSince = publisher && source ? at - source.timeMs : undefined;
    // A segment counts only if written after its rendition (and the publisher) started; a little slack for
    // nginx's cached clock.
    const staleMs = Math.max(4 * this.o.fragmentSeconds, 8) * 1000;
    const renditions = await Promise.all(
      this.o.ladder.all.map(async (r): Promise<RenditionObservation> => {
        const s = snapshot ? findStream(snapshot, hls, r.streamName) : undefined;
        const publishing = Boolean(s?.publishing);
        const obs: RenditionObservation = { id: r.id, publishing, ready: false, segments: 0 };
        if (s) obs.media = mediaOf(s);
        const playlistPath = path.join(this.o.hlsDir, r.streamName, 'index.m3u8');
        const playlist = await readPlaylist(playlistPath);
        if (!playlist || playlist.segments.length === 0) return obs;
        obs.playlist = playlist;
        obs.segments = playlist.segments.length;
        const newest = playlist.segments[playlist.segments.length - 1]!;
        const segPath = path.join(this.o.hlsDir, r.streamName, newest.uri);
        const st = await stat(segPath).catch(() => undefined);
        if (!st) return obs;
        const mtime = st.mtimeMs;
        if (newest.duration > 0) obs.segmentBitrate = Math.round((st.size * 8) / newest.duration);
        // nginx measures bandwidth only every few seconds; until then, the segments tell.
        if (obs.media && !obs.media.bandwidth && obs.segmentBitrate) obs.media.bandwidth = obs.segmentBitrate;
        obs.newestSegmentPath = segPath;
        obs.lastSegmentAgeSec = Math.max(0, (at - mtime) / 1000);
        const sessionStart = Math.max(publisherSince ?? Infinity, s ? at - (s.publisherMs ?? s.timeMs) : Infinity) - 500;
        obs.ready = publisher && publishing && mtime >= sessionStart && at - mtime <= staleMs;
        return obs;
      }),
    );
    return {
      at,
      nginxUp: snapshot !== null,
      publisher,
      publisherSince,
      source,
      ready: renditions.filter((r) => r.ready).map((r) => r.id),
      renditions,
    };
  }
}

async function readPlaylist(file: string): Promise<MediaPlaylist | null> {
  try {
    return parseMediaPlaylist(await readFile(file, 'utf8'));
  } catch {
    return null;
  }
}

export function mediaOf(s: StatStream): RenditionMedia {
  return {
    width: s.video?.width,
    height: s.video?.height,
    fps: s.video?.fps || undefined,
    bandwidth: s.bwIn || undefined,
    videoCodec: s.video && /264/.test(s.video.codec) ? avcCodec(s.video.profile, s.video.level, s.video.compat) : undefined,
    audioCodec: s.audio && /aac/i.test(s.audio.codec) ? aacCodec(s.audio.profile) : undefined,
  };
}
