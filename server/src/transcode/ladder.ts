import type { Rung } from '../config/schema.js';

/** One quality viewers can watch: the source (copied) or a transcoded rung. */
export interface Rendition {
  id: string;
  label: string;
  /** The RTMP stream name inside the internal HLS application, and the folder of its playlist. */
  streamName: string;
  /** Public URL of its media playlist. */
  url: string;
  audioOnly: boolean;
  /** Configured size for transcoded rungs; the source's size is only known once it publishes. */
  width?: number;
  height?: number;
  videoKbps?: number;
  audioKbps?: number;
}

export interface Ladder {
  name: string;
  masterUrl: string;
  source: Rendition;
  rungs: Rendition[];
  all: Rendition[];
}

/** `hlsBase` (HLS_BASE_URL, no trailing slash): viewers fetch HLS from there; '' is this site. */
export function buildLadder(name: string, rungs: Rung[], hlsBase = ''): Ladder {
  const source: Rendition = { id: 'source', label: 'Alta', streamName: name, url: `${hlsBase}/video/${name}/index.m3u8`, audioOnly: false };
  const transcoded = rungs.map(
    (r): Rendition => ({
      id: r.id,
      label: r.label,
      streamName: `${name}${r.suffix}`,
      url: `${hlsBase}/video/${name}${r.suffix}/index.m3u8`,
      audioOnly: r.width === undefined,
      width: r.width,
      height: r.height,
      videoKbps: r.videoKbps,
      audioKbps: r.audioKbps,
    }),
  );
  return { name, masterUrl: `${hlsBase}/video/${name}.m3u8`, source, rungs: transcoded, all: [source, ...transcoded] };
}

export interface TranscoderArgsInput {
  ffmpeg?: string;
  input: string;
  /** RTMP URL prefix the rungs are published to; the rung's stream name is appended. */
  outputPrefix: string;
  rungs: Rendition[];
  gopSeconds: number;
  preset: string;
  threads: number;
  sourceHasAudio: boolean;
}

/**
 * The ladder's single ffmpeg: one decode of the source, split into every video rung, each encoded with
 * keyframes forced on the same 2 s grid so the renditions' segments line up for adaptive switching.
 */
export function transcoderArgs(o: TranscoderArgsInput): string[] {
  const video = o.rungs.filter((r) => !r.audioOnly);
  const audio = o.sourceHasAudio ? o.rungs.filter((r) => r.audioOnly) : [];
  const args = [
    '-hide_banner', '-nostdin', '-loglevel', 'warning', '-nostats',
    '-progress', 'pipe:1', '-stats_period', '1',
    '-rw_timeout', '15000000',
    // nginx starts players at a keyframe with the codec headers first (wait_key, wait_video): half a second
    // of probing finds both streams and starts the ladder about three seconds sooner than ffmpeg's default
    // (after a crash, the rungs are back within the 5 s the fault suite allows).
    '-analyzeduration', '500000', '-probesize', '1000000',
    '-i', o.input,
  ];
  if (video.length > 0) {
    const split = video.length > 1 ? `[0:v:0]split=${video.length}${video.map((_, i) => `[s${i}]`).join('')};` : '';
    const scales = video.map((r, i) => {
      const from = video.length > 1 ? `[s${i}]` : '[0:v:0]';
      // The rung is defined by its height; width follows the source's aspect (854 for 16:9 at 480).
      return `${from}scale=w=-2:h=${r.height}[v${r.id}]`;
    });
    args.push('-filter_complex', split + scales.join(';'));
  }
  if (o.threads > 0) args.push('-threads', String(o.threads));
  for (const r of video) {
    const kbps = r.videoKbps ?? 1000;
    args.push(
      '-map', `[v${r.id}]`,
      ...(o.sourceHasAudio ? ['-map', '0:a:0'] : []),
      '-c:v', 'libx264', '-preset', o.preset, '-tune', 'zerolatency',
      '-profile:v', 'main', '-level:v', '3.1', '-pix_fmt', 'yuv420p',
      '-b:v', `${kbps}k`, '-maxrate', `${Math.round(kbps * 1.1)}k`, '-bufsize', `${kbps * 2}k`,
      '-force_key_frames', `expr:gte(t,n_forced*${o.gopSeconds})`, '-sc_threshold', '0',
      ...(o.sourceHasAudio ? ['-c:a', 'aac', '-b:a', `${r.audioKbps}k`, '-ac', '2'] : []),
      '-f', 'flv', '-flvflags', 'no_duration_filesize', `${o.outputPrefix}/${r.streamName}`,
    );
  }
  for (const r of audio) {
    args.push('-map', '0:a:0', '-vn', '-c:a', 'aac', '-b:a', `${r.audioKbps}k`, '-ac', '2', '-f', 'flv', '-flvflags', 'no_duration_filesize', `${o.outputPrefix}/${r.streamName}`);
  }
  return args;
}

/** What is known about a rendition that is publishing (from nginx's /stat). */
export interface RenditionMedia {
  width?: number;
  height?: number;
  fps?: number;
  /** Bits per second actually measured. */
  bandwidth?: number;
  videoCodec?: string;
  audioCodec?: string;
}

/**
 * RFC 6381 codec string for H.264 as nginx-rtmp reports it: profile name ("High"), level ("3.1") and, when
 * known, the constraint flags byte ("compat", e.g. 192 for constrained baseline).
 */
export function avcCodec(profile: string | undefined, level: string | number | undefined, compat?: number): string {
  const profiles: Record<string, [number, number]> = {
    baseline: [0x42, 0xe0],
    constrainedbaseline: [0x42, 0xe0],
    main: [0x4d, 0x40],
    extended: [0x58, 0xa0],
    high: [0x64, 0x00],
  };
  const [idc, defaultFlags] = profiles[(profile ?? 'high').toLowerCase().replace(/[^a-z]/g, '')] ?? [0x64, 0x00];
  const flags = compat !== undefined && Number.isInteger(compat) && compat >= 0 && compat <= 255 ? compat : defaultFlags;
  const lv = Math.round(Number(level ?? 3.1) * 10);
  const l = Number.isFinite(lv) && lv > 0 && lv < 256 ? lv : 31;
  const hex = (n: number) => n.toString(16).padStart(2, '0');
  return `avc1.${hex(idc)}${hex(flags)}${hex(l)}`;
}

/** RFC 6381 codec string for AAC by profile ("LC", "HE"). */
export function aacCodec(profile: string | undefined): string {
  const p = (profile ?? 'LC').toUpperCase();
  if (p.startsWith('HE') && p.includes('V2')) return 'mp4a.40.29';
  if (p.startsWith('HE')) return 'mp4a.40.5';
  return 'mp4a.40.2';
}

export interface MasterEntry {
  rendition: Rendition;
  bandwidth: number;
  width?: number;
  height?: number;
  fps?: number;
  codecs: string;
}

/**
 * The entries of the master playlist. Transcoded rungs advertise their configured bitrate; the source
 * advertises what nginx measured, with headroom, since OBS's bitrate is the volunteer's choice.
 */
export function masterEntries(ladder: Ladder, media: Map<string, RenditionMedia>): MasterEntry[] {
  return ladder.all
    .filter((r) => media.has(r.id))
    .map((r) => {
      const m = media.get(r.id) ?? {};
      if (r.id === 'source') {
        return {
          rendition: r,
          bandwidth: Math.max(300_000, Math.round((m.bandwidth ?? 2_500_000) * 1.2)),
          width: m.width,
          height: m.height,
          fps: m.fps,
          codecs: [m.videoCodec ?? 'avc1.64001f', m.audioCodec].filter(Boolean).join(','),
        };
      }
      const kbps = (r.videoKbps ?? 0) + (r.audioKbps ?? 0);
      return {
        rendition: r,
        bandwidth: Math.round(kbps * 1000 * 1.1),
        width: r.audioOnly ? undefined : (m.width ?? r.width),
        height: r.audioOnly ? undefined : (m.height ?? r.height),
        fps: r.audioOnly ? undefined : m.fps,
        codecs: r.audioOnly ? 'mp4a.40.2' : [avcCodec('main', '3.1'), m.audioCodec ? 'mp4a.40.2' : undefined].filter(Boolean).join(','),
      };
    });
}

/**
 * The master playlist text. The first video rung is listed first: players start on it, which suits viewers
 * on mobile data, and adapt up or down from there. URIs are relative to /video/.
 */
export function masterPlaylist(entries: MasterEntry[]): string {
  const start = entries.find((e) => e.rendition.id !== 'source' && !e.rendition.audioOnly);
  const rank = (e: MasterEntry) => (e === start ? 0 : e.rendition.audioOnly ? 3 : e.rendition.id === 'source' ? 1 : 2);
  const sorted = entries.map((e, i) => ({ e, i })).sort((a, b) => rank(a.e) - rank(b.e) || a.i - b.i).map((x) => x.e);
  const lines = ['#EXTM3U', '#EXT-X-VERSION:3', '#EXT-X-INDEPENDENT-SEGMENTS'];
  for (const e of sorted) {
    const attrs = [`BANDWIDTH=${e.bandwidth}`];
    if (e.width && e.height) attrs.push(`RESOLUTION=${e.width}x${e.height}`);
    if (e.fps) attrs.push(`FRAME-RATE=${e.fps.toFixed(3)}`);
    attrs.push(`CODECS="${e.codecs}"`, `NAME="${e.rendition.label}"`);
    lines.push(`#EXT-X-STREAM-INF:${attrs.join(',')}`, `${e.rendition.streamName}/index.m3u8`);
  }
  return `${lines.join('\n')}\n`;
}
