/** What the admin API answers (contract/admin.ts), as the dashboard reads it. */
import type { Overview as WireOverview, SanctionView, StreamSession as WireSession } from '../../../../contract/admin';
import type { StreamStatus } from '../../api/status';

export type {
  AdviceCode,
  ChatSettings,
  DelaySettings,
  HealthSample,
  IngestHealth,
  RenditionHealth,
  SiteDocument,
  StorageHealth,
  SimulcastDestination,
  SimulcastDocument,
  SimulcastPreset,
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

