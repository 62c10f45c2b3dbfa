/** The stream status document (contract/status.ts): GET /api/v1/status and the websocket's `status` message. */
import type { StatusRendition, StreamReason, StreamStateName, StreamStatus as WireStatus } from '../../../contract/status';
import { isObj, num } from './read';

export type { StreamReason };
export type StreamState = StreamStateName;

/** A rendition as the page reads it: an older server may leave out `label`, `audioOnly` and `ready`. */
export type Rendition = Omit<StatusRendition, 'label' | 'audioOnly' | 'ready'> & Partial<Pick<StatusRendition, 'label' | 'audioOnly' | 'ready'>>;

/** The status as the page reads it: the contract's, with lenient renditions and an optional `reason`. */
export interface StreamStatus extends Omit<WireStatus, 'renditions' | 'reason'> {
  renditions: Rendition[];
  reason?: StreamReason | null;
}

const REASONS: readonly StreamReason[] = ['publisher-stopped', 'signal-lost', 'ended'];
const STATES: readonly StreamState[] = ['offline', 'starting', 'live', 'reconnecting'];

export const OFFLINE_STATUS: StreamStatus = {
  state: 'offline',
  since: new Date(0).toISOString(),
  name: 'envivo',
  master: '/video/envivo.m3u8',
  renditions: [],
  viewers: 0,
  reason: null,
};

function parseRendition(v: unknown): Rendition | null {
  if (!isObj(v) || typeof v.id !== 'string' || typeof v.url !== 'string') return null;
  return {
    id: v.id,
    label: typeof v.label === 'string' ? v.label : undefined,
    url: v.url,
    width: num(v.width),
    height: num(v.height),
    bandwidth: num(v.bandwidth) ?? 0,
    audioOnly: v.audioOnly === true || (v.id === 'audio' && num(v.height) === undefined),
    ready: v.ready !== false,
  };
}

/** Reads a status document defensively; anything unusable yields null and the page keeps what it had. */
export function parseStatus(v: unknown): StreamStatus | null {
  if (!isObj(v) || !STATES.includes(v.state as StreamState)) return null;
  return {
    state: v.state as StreamState,
    since: typeof v.since === 'string' ? v.since : OFFLINE_STATUS.since,
    name: typeof v.name === 'string' ? v.name : OFFLINE_STATUS.name,
    master: typeof v.master === 'string' ? v.master : OFFLINE_STATUS.master,
    renditions: Array.isArray(v.renditions)
      ? v.renditions.map(parseRendition).filter((r): r is Rendition => r !== null)
      : [],
    viewers: typeof v.viewers === 'number' && Number.isFinite(v.viewers) ? v.viewers : 0,
    reason: REASONS.includes(v.reason as StreamReason) ? (v.reason as StreamReason) : null,
    lowDelay: v.lowDelay === true,
  };
}

export async function fetchStatus(signal?: AbortSignal): Promise<StreamStatus | null> {
  // No extra headers: the request must match index.html's <link rel="preload"> to reuse its answer.
  const res = await fetch('/api/v1/status', { signal });
  if (!res.ok) return null;
  return parseStatus(await res.json());
}
