import type { StreamReason, StreamStateName } from './state-machine.js';

/** The public status document: GET /api/v1/status and the websocket's `status` message. */
export interface StreamStatus {
  state: StreamStateName;
  since: string;
  name: string;
  master: string;
  renditions: StatusRendition[];
  viewers: number;
  /**
   * Additive: why the stream is in its state. `publisher-stopped` (reconnecting: OBS stopped; it may come
   * back within the grace period), `signal-lost` (reconnecting for another reason), `ended` (offline right
   * after a broadcast); null otherwise.
   */
  reason: StreamReason | null;
}

export interface StatusRendition {
  id: string;
  label: string;
  url: string;
  width?: number;
  height?: number;
  bandwidth: number;
  audioOnly: boolean;
  /** False while that rendition is briefly unavailable (e.g. the transcoder restarting). */
  ready: boolean;
}
