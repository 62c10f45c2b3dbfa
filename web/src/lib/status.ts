/** The stream status document (design.md): GET /api/v1/status and the websocket's `status` message. */
export type StreamState = 'offline' | 'starting' | 'live' | 'reconnecting';

export interface Rendition {
  id: string;
  label?: string;
  url: string;
  width?: number;
  height?: number;
  bandwidth: number;
  audioOnly?: boolean;
  ready?: boolean;
}

/** Additive `reason` (server/src/stream/status.ts): why the stream is in its state; null when nothing to add. */
export type StreamReason = 'publisher-stopped' | 'signal-lost' | 'ended';
const REASONS: readonly StreamReason[] = ['publisher-stopped', 'signal-lost', 'ended'];

export interface StreamStatus {
  state: StreamState;
  since: string;
  name: string;
  master: string;
  renditions: Rendition[];
  viewers: number;
  reason?: StreamReason | null;
}

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

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function parseRendition(v: unknown): Rendition | null {
  if (!isRecord(v) || typeof v.id !== 'string' || typeof v.url !== 'string') return null;
  const num = (x: unknown) => (typeof x === 'number' && Number.isFinite(x) ? x : undefined);
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
  if (!isRecord(v) || !STATES.includes(v.state as StreamState)) return null;
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
  };
}

export async function fetchStatus(signal?: AbortSignal): Promise<StreamStatus | null> {
  const res = await fetch('/api/v1/status', { signal, headers: { accept: 'application/json' } });
  if (!res.ok) return null;
  return parseStatus(await res.json());
}
