/**
 * When did the stream state change? Two observers, the earliest wins: the websocket (the service pushes
 * {type:'status'} on every change) and GET /api/v1/status polled every 50 ms (in case the socket is slow
 * to connect or drops). The ladder's pid comes from GET /api/v1/health.
 */
import WebSocket from 'ws';
import { now, sleep } from './time.js';

export type StateName = 'offline' | 'starting' | 'live' | 'reconnecting';

export class StateTimes {
  /** First time each state was seen (monotonic ms), after `since`. */
  readonly first: Partial<Record<StateName, { at: number; via: 'ws' | 'poll' }>> = {};
  since = Number.POSITIVE_INFINITY;

  note(state: string, at: number, via: 'ws' | 'poll'): void {
    if (at < this.since) return;
    const s = state as StateName;
    const prev = this.first[s];
    if (!prev || at < prev.at) this.first[s] = { at, via };
  }
}

export interface StatusWatch {
  times: StateTimes;
  /** Resolves with the first time the state is 'live', or null at the deadline. */
  waitLive(deadline: number): Promise<number | null>;
  close(): void;
}

export async function watchStatus(base: string, wsUrl: string): Promise<StatusWatch> {
  const times = new StateTimes();
  let closed = false;
  const ws = new WebSocket(wsUrl);
  ws.on('message', (data) => {
    const at = now();
    try {
      const m = JSON.parse(String(data)) as { type?: string; state?: string };
      if (m.type === 'status' && typeof m.state === 'string') times.note(m.state, at, 'ws');
    } catch {
      /* not ours */
    }
  });
  ws.on('error', () => {
    /* the poller covers for it */
  });
  // Wait (bounded) for the socket, so the publish is not racing the handshake.
  await Promise.race([new Promise((resolve) => ws.once('open', resolve)), new Promise((resolve) => ws.once('error', resolve)), sleep(3000)]);

  const poll = async (deadline: number) => {
    while (!closed && now() < deadline && !times.first.live) {
      const tick = now();
      try {
        const res = await fetch(`${base}/api/v1/status`, { signal: AbortSignal.timeout(1000) });
        const at = now();
        const j = (await res.json()) as { state?: string };
        if (typeof j.state === 'string') times.note(j.state, at, 'poll');
      } catch {
        /* try again */
      }
      await sleep(Math.max(0, 50 - (now() - tick)));
    }
  };

  return {
    times,
    async waitLive(deadline) {
      await poll(deadline);
      return times.first.live?.at ?? null;
    },
    close() {
      closed = true;
      ws.terminate();
    },
  };
}

export interface LadderPid {
  pid: number;
  /** When the bench first saw it in /api/v1/health (monotonic ms). */
  seenAt: number;
  restarts: number;
}

/** Polls /api/v1/health until transcoder.pid appears (bounded by the deadline). */
export async function waitLadderPid(base: string, deadline: number, intervalMs = 100): Promise<LadderPid | null> {
  while (now() < deadline) {
    const h = await health(base);
    const pid = h?.transcoder?.pid;
    if (typeof pid === 'number') return { pid, seenAt: now(), restarts: h?.transcoder?.restarts ?? 0 };
    await sleep(intervalMs);
  }
  return null;
}

export interface Health {
  transcoder?: { pid?: number; phase?: string; restarts?: number; progress?: { speed?: number; outTimeMs?: number; at?: number } };
  renditions?: { id: string; ready: boolean; segments: number }[];
  keyframeIntervalSec?: number;
  keyframeTooLong?: boolean;
}

export async function health(base: string): Promise<Health | null> {
  try {
    const res = await fetch(`${base}/api/v1/health`, { signal: AbortSignal.timeout(1000) });
    return res.ok ? ((await res.json()) as Health) : null;
  } catch {
    return null;
  }
}

/** A point on a process's media clock: how much stream it had output (ms) at a wall time (epoch ms). */
export interface MediaClock {
  outMs: number;
  at: number;
}

/** The ladder's media clock, from its -progress reports as /api/v1/health relays them (every second). */
export async function ladderClock(base: string): Promise<MediaClock | null> {
  const p = (await health(base))?.transcoder?.progress;
  return p && typeof p.outTimeMs === 'number' && typeof p.at === 'number' ? { outMs: p.outTimeMs, at: p.at } : null;
}

/**
 * Media seconds processed per wall second between two clock points. A live-input ffmpeg that keeps up
 * runs at 1.0; below it, it was starved of CPU and its cores figure (CPU ÷ wall) reads low.
 */
export function windowSpeed(a: MediaClock | null, b: MediaClock | null): number | null {
  if (!a || !b || b.at - a.at < 1000) return null;
  return (b.outMs - a.outMs) / (b.at - a.at);
}
