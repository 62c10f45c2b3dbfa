/** What the admin API answers (server/src/http/routes/admin.ts), as the dashboard reads it. */
import type { ScheduleEntry } from '../lib/schedule';
import type { StreamStatus } from '../lib/status';

/** Codes the server raises for the volunteer at OBS; the page explains each in plain words. */
export type AdviceCode = 'keyframe_too_long' | 'bitrate_too_high' | 'bitrate_unstable' | 'transcoder_slow' | 'disk_full' | 'disk_low' | 'disk_unwritable';

export interface RenditionHealth {
  id: string;
  ready: boolean;
  publishing: boolean;
  segments: number;
  lastSegmentAgeSec?: number;
}

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
  keyframeIntervalSec?: number;
  keyframeTooLong: boolean;
  transcoder: { phase: string; restarts: number; progress?: { fps: number; speed: number } };
  renditions: RenditionHealth[];
  /** The disk the video segments are written to; absent when the server has not measured it. */
  storage?: StorageHealth;
}

export interface StorageHealth {
  freeBytes: number;
  totalBytes: number;
  /** New segments can be written ("disk_low" is only a warning). */
  ok: boolean;
  problem?: 'disk_full' | 'disk_low' | 'unwritable';
}

/** One broadcast: from the publisher connecting to the stream going offline. */
export interface StreamSession {
  id: number;
  startedAt: string;
  liveAt: string | null;
  endedAt: string | null;
  peakViewers: number;
}

export interface Overview {
  status: StreamStatus;
  health: IngestHealth;
  viewers: number;
  peak: number;
  session: StreamSession | null;
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

export interface StreamKey {
  id: string;
  /** "env" = STREAM_KEY on the server: it cannot be rotated from the page. */
  source: 'env' | 'file';
  createdAt: string;
  key: string;
}

export interface ModeratedMessage {
  id: string;
  nick: string;
  text: string;
  at: string | number;
  role: string;
  deleted: boolean;
}

export interface Sanction {
  id: string;
  kind: 'timeout' | 'ban';
  nick: string;
  at: string;
  until: string | null;
  reason: string | null;
}

export interface ChatSettings {
  slowModeSeconds: number;
  wordFilter: string[];
  linksFromViewers: boolean;
  /** "NOMBRE está viendo" when a viewer enters the chat with a name. */
  joinNotices: boolean;
}

/** The church's public settings as the admin edits them (timezone is fixed on the server). */
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
