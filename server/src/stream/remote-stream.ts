import type { IngestHealth } from '../observe/ingest-health.js';
import type { HealthSample } from '../observe/ingest-health.js';
import type { Site } from '../storage/site-settings.js';
import type { StreamSession } from '../storage/stream-sessions.js';
import type { StreamStatus } from './status.js';

/** What the origin tells the web instances about the stream (relay/ carries it through Redis). */
export interface StreamSnapshot {
  /** The origin's clock (ms) and a counter within its run: a later snapshot wins, an older one is ignored. */
  at: number;
  seq: number;
  /** The state's start (ms), as the origin's state machine has it. */
  since: number;
  status: StreamStatus;
  health: IngestHealth;
  history: HealthSample[];
  session: StreamSession | null;
  site: Site;
}

export interface RemoteState {
  state: StreamStatus['state'];
  since: number;
}

export type RemoteListener = (state: RemoteState, previous: RemoteState) => void;

const IDLE_HEALTH: IngestHealth = { advice: [], nginxUp: false, publisher: false, keyframeTooLong: false, transcoder: { phase: 'stopped', restarts: 0 }, renditions: [] };

/**
 * The stream as a web instance knows it: the origin's latest snapshot. No I/O: snapshots in, states out,
 * like LiveStream — StreamEvents follows either. Without a snapshot (none yet, or the origin's has
 * expired: the origin is gone) the stream is offline.
 */
export class RemoteStream {
  private current: StreamSnapshot | null = null;
  private readonly listeners = new Set<RemoteListener>();
  private readonly renditionListeners = new Set<() => void>();

  constructor(
    /** The status of a stream that is not on (name and master from this instance's own ladder). */
    private readonly offline: (since: number) => StreamStatus,
    private readonly startedAt: number,
    /** This instance's HLS_BASE_URL ('' for its own site): viewers here fetch /video/ from there, whatever the origin's. */
    private readonly hlsBase = '',
  ) {}

  get state(): RemoteState {
    return this.current ? { state: this.current.status.state, since: this.current.since } : { state: 'offline', since: this.startedAt };
  }

  /** A snapshot from the origin, or null when there is none (the origin is gone): offline. */
  apply(next: StreamSnapshot | null, now: number): void {
    const previous = this.state;
    const before = this.current;
    if (next === null) {
      if (!before) return;
      this.current = null;
      if (previous.state !== 'offline') this.emit({ state: 'offline', since: now }, previous);
      return;
    }
    if (before && (next.at < before.at || (next.at === before.at && next.seq <= before.seq))) return;
    this.current = next;
    const state = this.state;
    if (state.state !== previous.state) this.emit(state, previous);
    else if (before && renditionsKey(before.status) !== renditionsKey(next.status)) for (const l of this.renditionListeners) l();
  }

  status(): StreamStatus {
    const s = this.current?.status;
    if (!s) return this.offline(this.startedAt);
    return { ...s, master: rebase(s.master, this.hlsBase), renditions: s.renditions.map((r) => ({ ...r, url: rebase(r.url, this.hlsBase) })) };
  }

  health(): IngestHealth {
    return this.current?.health ?? IDLE_HEALTH;
  }

  history(): HealthSample[] {
    return this.current?.history ?? [];
  }

  session(): StreamSession | null {
    return this.current?.session ?? null;
  }

  site(): Site | undefined {
    return this.current?.site;
  }

  onChange(listener: RemoteListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The renditions changed within one state (the status is sent again). */
  onRenditionsChange(listener: () => void): () => void {
    this.renditionListeners.add(listener);
    return () => this.renditionListeners.delete(listener);
  }

  private emit(state: RemoteState, previous: RemoteState): void {
    for (const l of this.listeners) l(state, previous);
  }
}

/** A /video/ URL as this instance's viewers fetch it: the origin's host (or its edge) replaced by ours. */
function rebase(url: string, hlsBase: string): string {
  const at = url.indexOf('/video/');
  return at < 0 ? url : hlsBase + url.slice(at);
}

const renditionsKey = (s: StreamStatus) => JSON.stringify(s.renditions);
