/**
 * The public status document: GET /api/v1/status and the websocket's `status` message.
 * Types only: server and web import these with `import type`, so nothing here reaches a bundle.
 */
export type StreamStateName = 'offline' | 'starting' | 'live' | 'reconnecting';

/**
 * Why the stream is in its state: `publisher-stopped` (reconnecting: OBS stopped; it may come back within
 * the grace period), `signal-lost` (reconnecting for another reason), `ended` (offline right after a broadcast).
 */
export type StreamReason = 'publisher-stopped' | 'signal-lost' | 'ended';

export interface StreamStatus {
  state: StreamStateName;
  since: string;
  name: string;
  master: string;
  renditions: StatusRendition[];
  viewers: number;
  /** Additive: why the stream is in its state; null when there is nothing to add. */
  reason: StreamReason | null;
  /**
   * Additive: the low-delay mode is running (1 s fragments): players keep closer to the live edge. Absent
   * or false: the default mode (2 s fragments).
   */
  lowDelay?: boolean;
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
