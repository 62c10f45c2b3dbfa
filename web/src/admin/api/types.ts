/** What the admin API answers (contract/admin.ts), as the dashboard reads it. */
import type { Overview as WireOverview, SanctionView, StreamSession as WireSession } from '../../../../contract/admin';
import type { StreamStatus } from '../../api/status';

export type {
  AdviceCode,
  ChatSettings,
  HealthSample,
  IngestHealth,
  RenditionHealth,
  SiteDocument,
  StorageHealth,
  StreamKey,
} from '../../../../contract/admin';

/** A broadcast as the page reads it (it does not read which stream). */
export type StreamSession = Omit<WireSession, 'stream'>;

export type Overview = WireOverview<StreamStatus, StreamSession>;

export type Sanction = SanctionView;

/** A message in the moderation list: the chat's message with its deleted flag, read leniently. */
export interface ModeratedMessage {
  id: string;
  nick: string;
  text: string;
  at: string | number;
  role: string;
  deleted: boolean;
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
