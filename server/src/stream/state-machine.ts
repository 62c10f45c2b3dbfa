/**
 * The stream's state, decided from what nginx tells us. Pure: feed it events with their time, read the
 * state. No timers and no I/O here; the caller sends `tick` events.
 *
 *   offline ──publish──▶ starting ──every rendition has a segment──▶ live
 *      ▲                    │                                          │ publisher gone
 *      │  grace expired     ▼ publisher gone (grace)                   ▼
 *      └──────────────── starting / reconnecting ◀─────────────────────┘
 *                          publisher back + renditions fresh ──▶ live
 */
import type { StreamReason, StreamStateName } from '../../../contract/status.js';

export type { StreamReason, StreamStateName };

export interface MachineState {
  state: StreamStateName;
  /** When the current state began (epoch ms). */
  since: number;
  /** A publisher is connected to the ingest application. */
  publisher: boolean;
  /** When the current publisher's session began; segments older than this don't count. */
  publisherSince?: number;
  /** When the last publisher left; drives the grace period. */
  lostAt?: number;
  /** Last time a callback changed `publisher`: /stat observations that contradict it soon after are stale. */
  callbackAt?: number;
  /** Renditions whose playlist lists a complete segment of the current session. */
  ready: string[];
  /**
   * How the last publisher left: nginx's on_publish_done (OBS stopped, or its connection closed) or only
   * seen missing from /stat (nginx itself lost it).
   */
  lostBy?: 'callback' | 'observation';
  /** Offline because a broadcast that was live ended (not since the service started, not a false start). */
  ended?: boolean;
}

export type StreamEvent =
  | { type: 'publish-started'; at: number }
  | { type: 'publish-stopped'; at: number }
  /** From /stat and the playlists on disk. */
  | { type: 'observed'; at: number; publisher: boolean; publisherSince?: number; ready: string[] }
  | { type: 'tick'; at: number };

export interface MachineOptions {
  /** Every rendition that must be ready before "live". */
  renditions: string[];
  graceMs: number;
  /** How long a callback outranks a /stat observation that disagrees with it. */
  settleMs?: number;
}

export function initialState(at: number): MachineState {
  return { state: 'offline', since: at, publisher: false, ready: [] };
}

const moveTo = (s: MachineState, state: StreamStateName, at: number): MachineState => (s.state === state ? s : { ...s, state, since: at });

export function step(s: MachineState, e: StreamEvent, o: MachineOptions): MachineState {
  const settleMs = o.settleMs ?? 3000;
  switch (e.type) {
    case 'publish-started':
      // nginx refuses a second publisher on a busy name after this callback: it changes nothing.
      return s.publisher ? s : publisherArrived(s, e.at, e.at, e.at);
    case 'publish-stopped':
      return publisherLeft(s, e.at, e.at);
    case 'observed': {
      let next = s;
      const fresh = s.callbackAt !== undefined && e.at - s.callbackAt < settleMs;
      if (e.publisher && !s.publisher && !fresh) next = publisherArrived(s, e.publisherSince ?? e.at, e.at, undefined);
      else if (!e.publisher && s.publisher && !fresh) next = publisherLeft(s, e.at, undefined);
      next = next.publisher ? { ...next, ready: e.ready } : { ...next, ready: [] };
      if (next.publisher && next.state !== 'live' && next.state !== 'offline' && o.renditions.every((r) => next.ready.includes(r))) {
        next = moveTo(next, 'live', e.at);
      }
      return next;
    }
    case 'tick':
      if (s.state !== 'offline' && !s.publisher && s.lostAt !== undefined && e.at - s.lostAt >= o.graceMs) {
        // "reconnecting" is only ever entered from "live": this was a broadcast people watched.
        return s.state === 'reconnecting' ? { ...initialState(e.at), ended: true } : initialState(e.at);
      }
      return s;
  }
}

function publisherArrived(s: MachineState, since: number, at: number, callbackAt: number | undefined): MachineState {
  const next: MachineState = { ...s, publisher: true, publisherSince: since, lostAt: undefined, lostBy: undefined, ended: undefined, ready: [], callbackAt: callbackAt ?? s.callbackAt };
  // A returning publisher keeps "reconnecting" (viewers' players keep retrying) until its renditions are fresh.
  return s.state === 'offline' ? moveTo(next, 'starting', at) : next.state === 'live' ? moveTo(next, 'reconnecting', at) : next;
}

function publisherLeft(s: MachineState, at: number, callbackAt: number | undefined): MachineState {
  if (!s.publisher && s.state === 'offline') return s;
  const lostBy = callbackAt !== undefined ? 'callback' : 'observation';
  const next: MachineState = { ...s, publisher: false, lostAt: at, lostBy, ready: [], callbackAt: callbackAt ?? s.callbackAt };
  return s.state === 'live' ? moveTo(next, 'reconnecting', at) : next;
}

/**
 * What viewers are told about the state: a publisher that stopped (on_publish_done) is not a fault, and an
 * offline page right after a broadcast is a goodbye, not "nothing today". null when there is nothing to add.
 */
export function reasonFor(s: MachineState): StreamReason | null {
  if (s.state === 'offline') return s.ended ? 'ended' : null;
  if (s.state !== 'reconnecting') return null;
  if (!s.publisher && s.lostBy === 'callback') return 'publisher-stopped';
  return 'signal-lost';
}
