import type { LegacyServerFrame, ServerMessage } from '../../../contract/ws.js';
import type { WsGateway } from '../http/ws/gateway.js';
import { legacyStreamEvents } from '../http/routes/legacy.js';
import type { StreamSession, StreamSessions } from '../storage/stream-sessions.js';
import type { StreamStatus } from './status.js';

/** A stream whose state changes can be followed: the origin's LiveStream, or a web instance's RemoteStream. */
export interface FollowedStream {
  onChange(listener: (state: { state: StreamStatus['state']; since: number }, previous: { state: StreamStatus['state'] }) => void): unknown;
}

export interface StreamEventsOptions {
  /** The public stream name (sessions are kept per stream). */
  name: string;
  /** Where broadcasts are recorded; absent on a web instance (the origin keeps them). */
  sessions?: StreamSessions;
  status(): StreamStatus;
  gateway: WsGateway;
  legacyGateway: WsGateway<LegacyServerFrame>;
  /** The stream went on (starting, live, reconnecting) or off. */
  onAir(onAir: boolean): void;
  /** A new broadcast began (the peak viewer count starts again). */
  onSessionBegin(): void;
}

/**
 * Where a change of the stream's state goes: the stream session's bookkeeping (a restart mid-stream
 * continues the open one), the `status` frame to every /ws socket, `stream-started`/`stream-ended` to the
 * legacy sockets, and whoever else listens (the page's preload). The `status` frame is built here only.
 */
export class StreamEvents {
  private current: number | undefined;

  constructor(private readonly o: StreamEventsOptions) {
    this.current = o.sessions?.open(o.name)?.id;
  }

  /** Follows the stream's state from now on. */
  attach(stream: FollowedStream): void {
    stream.onChange((s, previous) => {
      this.o.onAir(s.state !== 'offline');
      if (this.o.sessions) this.bookkeep(this.o.sessions, s);
      else if (previous.state === 'offline') this.o.onSessionBegin();
      const status = this.o.status();
      this.o.gateway.broadcast(statusFrame(status));
      legacyStreamEvents(this.o.legacyGateway, previous.state, status);
    });
  }

  /** The broadcast's record: begun when starting, live, ended (a restart mid-stream continues the open one). */
  private bookkeep(sessions: StreamSessions, s: { state: StreamStatus['state']; since: number }): void {
    const at = new Date(s.since);
    if (s.state === 'starting' && this.current === undefined) {
      this.current = sessions.begin(this.o.name, at).id;
      this.o.onSessionBegin();
    }
    if (s.state === 'live' && this.current !== undefined) sessions.markLive(this.current, at);
    if (s.state === 'offline' && this.current !== undefined) {
      sessions.end(this.current, at);
      this.current = undefined;
    }
  }

  /** The status again to every /ws socket (the renditions changed while live). */
  broadcastStatus(): void {
    this.o.gateway.broadcast(statusFrame(this.o.status()));
  }

  /** The frame a new /ws socket gets first. */
  currentFrame(): ServerMessage {
    return statusFrame(this.o.status());
  }

  /** The id of the broadcast under way, if any (no database read). */
  sessionId(): number | undefined {
    return this.current;
  }

  /** The broadcast under way, if any. */
  session(): StreamSession | null {
    return this.current === undefined ? null : (this.o.sessions?.get(this.current) ?? null);
  }

  /** A viewer count while on air raises the session's peak. */
  noteViewers(count: number, onAir: boolean): void {
    if (this.current !== undefined && onAir) this.o.sessions?.notePeak(this.current, count);
  }
}

export const statusFrame = (status: StreamStatus): ServerMessage => ({ type: 'status', ...status });
