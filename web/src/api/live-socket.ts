import { decodeFrame, withBatching } from './frames';
import { parseServerMessage, type ClientMessage, type ServerMessage } from './messages';
import type { Obj } from './read';

export type SocketState = 'connecting' | 'open' | 'closed';

export interface LiveSocketOptions<M = ServerMessage> {
  url: string;
  /** How one message of a frame is read (default: the viewer page's protocol); null is ignored. */
  parse?: (message: Obj) => M | null;
  /**
   * Ask for `batch` frames (`?batch=1`, default true): what the server broadcasts within a tick arrives
   * as one frame; `decodeFrame` unpacks it, so listeners still get one message at a time, in order.
   */
  batch?: boolean;
  /** Delay before reconnect attempt n (0-based): exponential with jitter, capped. */
  backoff?: (attempt: number) => number;
  /** Runs `fn` after `ms`; returns a cancel function. Tests pass a manual clock. */
  schedule?: (fn: () => void, ms: number) => () => void;
}

const realSchedule = (fn: () => void, ms: number) => {
  const timer = setTimeout(fn, ms);
  return () => clearTimeout(timer);
};

type Listener<T> = (value: T) => void;

export function defaultBackoff(attempt: number): number {
  const base = Math.min(30_000, 1_000 * 2 ** Math.min(attempt, 5));
  return Math.round(base / 2 + Math.random() * (base / 2));
}

export function socketUrl(loc: { protocol: string; host: string }, path = '/ws'): string {
  return `${loc.protocol === 'https:' ? 'wss:' : 'ws:'}//${loc.host}${path}`;
}

/**
 * The page's one websocket (/ws): status, viewer count and chat share it. It reconnects with backoff for as
 * long as the page is open, and straight away when the phone comes back online or the tab becomes visible.
 */
export class LiveSocket<M = ServerMessage> {
  private ws: WebSocket | null = null;
  private attempt = 0;
  private cancelRetry: (() => void) | null = null;
  private stopped = true;
  private current: SocketState = 'closed';
  private readonly messageListeners = new Set<Listener<M>>();
  private readonly stateListeners = new Set<Listener<SocketState>>();

  constructor(private readonly o: LiveSocketOptions<M>) {}

  get state(): SocketState {
    return this.current;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    window.addEventListener('online', this.wake);
    document.addEventListener('visibilitychange', this.wake);
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    window.removeEventListener('online', this.wake);
    document.removeEventListener('visibilitychange', this.wake);
    this.cancelRetry?.();
    this.cancelRetry = null;
    const ws = this.ws;
    this.ws = null;
    ws?.close(1000, 'page closed');
    this.setState('closed');
  }

  /** Sends when connected; returns false (nothing queued) otherwise. */
  send(message: ClientMessage): boolean {
    if (!this.ws || this.ws.readyState !== WebSocket.OPEN) return false;
    this.ws.send(JSON.stringify(message));
    return true;
  }

  onMessage(listener: Listener<M>): () => void {
    this.messageListeners.add(listener);
    return () => this.messageListeners.delete(listener);
  }

  onState(listener: Listener<SocketState>): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }

  private readonly wake = () => {
    if (this.stopped || this.current !== 'closed' || document.visibilityState === 'hidden') return;
    this.cancelRetry?.();
    this.cancelRetry = null;
    this.connect();
  };

  private connect(): void {
    this.setState('connecting');
    const ws = new WebSocket(this.o.batch === false ? this.o.url : withBatching(this.o.url));
    this.ws = ws;
    ws.onopen = () => {
      if (this.ws !== ws) return;
      this.setState('open');
    };
    ws.onmessage = (ev) => {
      if (this.ws !== ws || typeof ev.data !== 'string') return;
      // Only a server that talks resets the backoff; one that accepts and drops us keeps backing off.
      this.attempt = 0;
      for (const frame of decodeFrame(ev.data)) {
        const message = this.o.parse ? this.o.parse(frame) : (parseServerMessage(frame) as M | null);
        if (message) for (const l of this.messageListeners) l(message);
      }
    };
    ws.onclose = () => {
      if (this.ws !== ws) return;
      this.ws = null;
      this.setState('closed');
      if (this.stopped) return;
      const delay = (this.o.backoff ?? defaultBackoff)(this.attempt++);
      this.cancelRetry = (this.o.schedule ?? realSchedule)(() => {
        this.cancelRetry = null;
        if (!this.stopped) this.connect();
      }, delay);
    };
  }

  private setState(state: SocketState): void {
    if (this.current === state) return;
    this.current = state;
    for (const l of this.stateListeners) l(state);
  }
}
