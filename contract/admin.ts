import type { StreamStatus } from './status.js';

/**
 * What the admin API (server/src/http/routes/admin.ts, /api/v1/admin/*) answers and takes, as the
 * dashboard reads it. Types only.
 */

/** Codes the server raises for the volunteer at OBS; the page explains each in plain words. */
export type AdviceCode = 'keyframe_too_long' | 'bitrate_too_high' | 'bitrate_unstable' | 'transcoder_slow' | 'disk_full' | 'disk_low' | 'disk_unwritable';

export interface RenditionHealth {
  id: string;
  ready: boolean;
  publishing: boolean;
  segments: number;
  lastSegmentAgeSec?: number;
}

/** What the admin sees about the incoming stream (the server's own adds transcoder details the page ignores). */
export interface IngestHealth {
  advice: AdviceCode[];
  nginxUp: boolean;
  publisher: boolean;
  inputKbps?: number;
  width?: number;
  height?: number;
  fps?: number;
  videoCodec?: string;
  audioCodec?: string;
  /** The source's audio bitrate as nginx measures it (simulcast advice: YouTube wants ≥ 64 kbps). */
  audioKbps?: number;
  /** Measured from the source's segments. */
  keyframeIntervalSec?: number;
  /** True when the keyframe interval is longer than the fragment length (OBS should use 2 s). */
  keyframeTooLong: boolean;
  transcoder: { phase: string; restarts: number; progress?: { fps: number; speed: number } };
  renditions: RenditionHealth[];
  /** The disk the video segments are written to; absent when the server has not measured it. */
  storage?: StorageHealth;
}

export type StorageProblem = 'disk_full' | 'disk_low' | 'unwritable';

/** The HLS disk. No path: the health answer is readable by the dashboard. */
export interface StorageHealth {
  freeBytes: number;
  totalBytes: number;
  /** New segments can be written ("disk_low" is only a warning). */
  ok: boolean;
  problem?: StorageProblem;
}

/** One broadcast: from the publisher connecting to the stream going offline. */
export interface StreamSession {
  id: number;
  stream: string;
  startedAt: string;
  liveAt: string | null;
  endedAt: string | null;
  peakViewers: number;
}

/** GET /overview. `S` lets the page name its leniently-parsed status. */
export interface Overview<S = StreamStatus, Session = StreamSession> {
  status: S;
  health: IngestHealth;
  viewers: number;
  peak: number;
  session: Session | null;
  obsServer: string;
  /** PUBLIC_URL, and whether it still names the server itself (localhost) though others can reach it. */
  publicUrl: { url: string; local: boolean; suggestion: string | null };
}

/** One point of the health chart (one every 5 s while live, the last 10 minutes). */
export interface HealthSample {
  at: string;
  inputKbps?: number;
  fps?: number;
  width?: number;
  height?: number;
  keyframeIntervalSec?: number;
  transcoderSpeed?: number;
}

/** GET /stream-keys: `{keys: StreamKey[]}`. */
export interface StreamKey {
  id: string;
  /** "env" = STREAM_KEY on the server: it cannot be rotated from the page. */
  source: 'env' | 'file';
  createdAt: string;
  key: string;
}

/** GET /chat/sanctions: `{sanctions: SanctionView[]}` (who it was is never sent). */
export interface SanctionView {
  id: string;
  kind: 'timeout' | 'ban';
  nick: string;
  at: string;
  until: string | null;
  reason: string | null;
}

/** GET/PUT /chat/settings. */
export interface ChatSettings {
  /** Minimum seconds between two messages of one viewer; 0 = off. */
  slowModeSeconds: number;
  /** Words (or phrases) a viewer's message may not contain; compared without case or accents. */
  wordFilter: string[];
  /** Whether viewers may post links (moderators always may). */
  linksFromViewers: boolean;
  /** "NOMBRE está viendo" when a viewer enters the chat with a name. */
  joinNotices: boolean;
}

/** One weekly service: `day` 0 = domingo … 6 = sábado, `time` "HH:MM" in the church's time zone. */
export interface ScheduleEntry {
  day: number;
  time: string;
  title: string;
}

/** GET/PUT /site: the church's public settings as the admin edits them (timezone is fixed on the server). */
export interface SiteDocument {
  churchName: string;
  offlineMessage: string;
  accentColor: string;
  logoUrl: string | null;
  schedule: ScheduleEntry[];
}

/** A simulcast destination as the admin API shows it: `key` is masked ("••••abcd"), never the key. */
export interface SimulcastDestination {
  id: string;
  name: string;
  url: string;
  preset: string;
  key: string;
  enabled: boolean;
  status: {
    phase: 'off' | 'connecting' | 'sending' | 'failing';
    uptimeSec: number;
    bitrateKbps: number;
    bytesOut: number;
    reconnects: number;
    reason?: { code: string; es: string; en: string; at: string };
  };
  /** "español / English" messages: the platform's rules our source breaks. */
  advice: { code: string; message: string }[];
}

export interface SimulcastPreset {
  id: string;
  label: string;
  url: string | null;
}

export interface SimulcastDocument {
  presets: SimulcastPreset[];
  destinations: SimulcastDestination[];
}

/**
 * GET/PUT /delay: the low-delay mode ("Baja latencia"). The media nginx is never reloaded while live, so a
 * change made during a broadcast is applied when the stream is next offline: `applied` is what runs now,
 * `pending` says a change waits. PUT takes `{lowDelay}`.
 */
export interface DelaySettings {
  /** What the admin chose. */
  lowDelay: boolean;
  /** What the media side runs now (1 s fragments and keyframes when true, otherwise the configured 2 s). */
  applied: boolean;
  pending: boolean;
  /** Fragment length in seconds now running. */
  fragmentSeconds: number;
}
