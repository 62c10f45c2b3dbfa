// Over 300 lines on purpose: one gateway owns a socket's whole life (upgrade, query, identity, quota,
// frames in, frames out, slow consumers, moderator checks, pings); the batched fan-out itself lives in
// fanout.ts.
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { WebSocket } from 'ws';
import type { WsErrorCode } from '../../../../contract/errors.js';
import type { ServerMessage } from '../../../../contract/ws.js';
import { z } from 'zod';
import type { Logger } from '../../log/logger.js';
import { BatchFanout, newMailbox, type FanoutOptions, type Mailbox } from './fanout.js';
import { SocketQuota } from './socket-quota.js';

/** Who a socket belongs to: worked out from the upgrade request (cookies, address). */
export interface ClientIdentity {
  sessionId: string;
  ipHash: string;
  role: 'viewer' | 'moderator';
  /** Which admin session made this socket a moderator (an id derived from it, never the token). */
  adminSession?: string;
}

/**
 * One connected browser. `Out` is what its socket sends: the /ws protocol's `ServerMessage` (default), or
 * the legacy socket's `LegacyServerFrame` (`{action, data}`), both from contract/ws.ts.
 */
export interface WsClient<Out extends object = ServerMessage> extends ClientIdentity {
  id: string;
  ip: string;
  /** The OBS chat overlay (`?overlay=1`): it only listens, is not a viewer and has no session cookie. */
  readOnly: boolean;
  /** Sends a JSON message; the legacy socket's messages have `action` instead of `type`. */
  send(message: Out): void;
  close(code: number, reason: string): void;
}

/** A client → server message type that plugs into the gateway (the chat adds its own). */
export interface MessageHandler<T = unknown, Out extends object = ServerMessage> {
  type: string;
  schema: z.ZodType<T>;
  /** `receivedAt`: when the frame was read off the socket (ms), before any work of the server on it. */
  handle(client: WsClient<Out>, data: T, receivedAt: number): void | Promise<void>;
}

export interface GatewayOptions<Out extends object = ServerMessage> {
  logger: Logger;
  /** Largest frame accepted, in bytes. */
  maxPayload?: number;
  /**
   * A client whose unsent data grows past this (default 1 MiB) is closed with 4001 "too slow", not
   * buffered forever.
   */
  maxBufferedBytes?: number;
  /** How long a too-slow socket's close handshake may take before it is cut (default 2 s). */
  slowCloseGraceMs?: number;
  /** Sockets may opt in to `batch` frames with `?batch=1` (the /ws protocol; see fanout.ts). */
  batching?: Omit<FanoutOptions, 'schedule'>;
  /** The clock that stamps frames on arrival (tests pass their own). */
  now?: () => number;
  pingIntervalMs?: number;
  /** Identity of the socket's owner; computed before the upgrade. */
  identify?: (req: FastifyRequest) => ClientIdentity;
  /** Sockets one address may hold open (church Wi-Fi shares one address: keep it generous). */
  maxSocketsPerIp?: number;
  /** The per-address count shared with the other endpoint, so both count against one cap. */
  quota?: SocketQuota;
  /** Whether a moderator socket's admin session still holds; asked before each of its frames. */
  stillModerator?: (adminSession: string) => boolean | Promise<boolean>;
  path?: string;
  /** Whether `?overlay=1` opens a read-only socket here (the OBS chat overlay on /ws). */
  allowOverlay?: boolean;
  /**
   * How a frame names its kind. Default: the new protocol's `{type, ...}` (the handler sees the whole
   * frame). The legacy socket uses `{action, data}`.
   */
  decode?: (frame: Record<string, unknown>) => { type: string; body: unknown } | null;
  /** How an error is put to this socket's clients. */
  encodeError?: (code: WsErrorCode, message: string) => Out;
  /** Runs before the upgrade (the Origin check); answering the reply refuses the socket. */
  beforeUpgrade?: (req: FastifyRequest, reply: FastifyReply) => Promise<void>;
}

const Envelope = z.object({ type: z.string().min(1).max(32) }).loose();
const defaultDecode = (frame: Record<string, unknown>) => {
  const e = Envelope.safeParse(frame);
  return e.success ? { type: e.data.type, body: frame } : null;
};

/** The socket's query: `overlay` and `batch` are `0` or `1` when present; other parameters are ignored. */
const WsQuery = z.object({ overlay: z.enum(['0', '1']).optional(), batch: z.enum(['0', '1']).optional() }).loose();

/** null when the query is invalid; otherwise what it asks for (a read-only overlay socket, batch frames). */
export function socketQuery(query: unknown): { overlay: boolean; batch: boolean } | null {
  const q = WsQuery.safeParse(query ?? {});
  return q.success ? { overlay: q.data.overlay === '1', batch: q.data.batch === '1' } : null;
}

/** null when the query is invalid; otherwise whether it asks for a read-only overlay socket. */
export function overlayRequested(query: unknown): boolean | null {
  return socketQuery(query)?.overlay ?? null;
}

/** 4001: the socket stopped reading and its unsent data passed `maxBufferedBytes`; reconnecting is fine. */
export const WS_CLOSE = { goingAway: 1001, unsupported: 1003, policy: 1008, tooBig: 1009, tooSlow: 4001 } as const;

interface Entry<Out extends object> {
  client: WsClient<Out>;
  socket: WebSocket;
  alive: boolean;
  /** Opted in to batch frames: broadcasts wait here for the fan-out's tick. */
  mailbox?: Mailbox;
  /** Being closed as too slow: nothing more is written to it. */
  dropped?: boolean;
}

/**
 * The /ws websocket: validates every frame, routes it by `type` to a registered handler, and broadcasts.
 * A bad frame gets an `error` message; it never affects other sockets.
 */
export class WsGateway<Out extends object = ServerMessage> {
  private readonly handlers = new Map<string, MessageHandler<any, Out>>();
  private readonly openHooks: ((client: WsClient<Out>) => void)[] = [];
  private readonly demoteHooks: ((client: WsClient<Out>) => void)[] = [];
  private readonly closeHooks: ((client: WsClient<Out>) => void)[] = [];
  private readonly clients = new Map<string, Entry<Out>>();
  private readonly mailboxes = new Set<Mailbox>();
  private pinger: NodeJS.Timeout | null = null;
  private readonly quota: SocketQuota;
  private readonly fanout: BatchFanout | null;

  constructor(private readonly o: GatewayOptions<Out>) {
    this.quota = o.quota ?? new SocketQuota(o.maxSocketsPerIp ?? 50);
    this.fanout = o.batching ? new BatchFanout(o.batching) : null;
  }

  get maxPayload(): number {
    return this.o.maxPayload ?? 16 * 1024;
  }

  register<T>(handler: MessageHandler<T, Out>): void {
    if (this.handlers.has(handler.type)) throw new Error(`handler for "${handler.type}" already registered`);
    this.handlers.set(handler.type, handler);
  }

  onOpen(hook: (client: WsClient<Out>) => void): void {
    this.openHooks.push(hook);
  }

  onClose(hook: (client: WsClient<Out>) => void): void {
    this.closeHooks.push(hook);
  }

  /** Told when a socket loses its moderator role (its admin session ended). */
  onDemote(hook: (client: WsClient<Out>) => void): void {
    this.demoteHooks.push(hook);
  }

  /** Every socket opened under this admin session becomes a viewer's. */
  demote(adminSession: string): void {
    for (const { client } of this.clients.values()) if (client.adminSession === adminSession) this.demoteClient(client);
  }

  count(): number {
    return this.clients.size;
  }

  /**
   * To every socket: serialised once; sockets without batching get the same Buffer as one frame now,
   * opted-in sockets get it in their next batch frame.
   */
  broadcast(message: Out): void {
    const text = JSON.stringify(message);
    if (this.mailboxes.size > 0) this.fanout?.broadcast(text, this.mailboxes);
    if (this.clients.size === this.mailboxes.size) return;
    const frame = Buffer.from(text);
    for (const entry of this.clients.values()) if (!entry.mailbox) this.sendRaw(entry, frame);
  }

  /** Closes every socket (1001 on shutdown). */
  closeAll(code: number = WS_CLOSE.goingAway, reason = 'server shutting down'): void {
    for (const { socket } of this.clients.values()) socket.close(code, reason);
  }

  routes(app: FastifyInstance): void {
    const guard = this.o.beforeUpgrade;
    app.get(this.o.path ?? '/ws', { websocket: true, ...(guard ? { preValidation: guard } : {}) }, (socket, req) => this.accept(socket, req));
    this.pinger = setInterval(() => {
      for (const entry of this.clients.values()) {
        void this.checkModerator(entry.client);
        if (!entry.alive) entry.socket.terminate();
        else {
          entry.alive = false;
          entry.socket.ping();
        }
      }
    }, this.o.pingIntervalMs ?? 30_000);
    this.pinger.unref();
    app.addHook('onClose', async () => {
      if (this.pinger) clearInterval(this.pinger);
      this.fanout?.stop();
    });
  }

  /** Session ids of every connected socket (for the viewer count); overlays are not viewers. */
  sessions(): string[] {
    const out: string[] = [];
    for (const { client } of this.clients.values()) if (!client.readOnly) out.push(client.sessionId);
    return out;
  }

  private accept(socket: WebSocket, req: FastifyRequest): void {
    const ip = req.ip;
    const query = this.o.allowOverlay || this.o.batching ? socketQuery(req.query) : { overlay: false, batch: false };
    if (query === null) {
      socket.send(JSON.stringify(this.errorFrame('invalid', 'Parámetros inválidos / invalid parameters: overlay and batch must be 0 or 1')));
      socket.close(WS_CLOSE.policy, 'invalid parameters');
      return;
    }
    const overlay = query.overlay && this.o.allowOverlay === true;
    if (!this.quota.acquire(ip)) {
      socket.send(JSON.stringify(this.errorFrame('too_many_connections', 'Demasiadas conexiones desde su red / too many connections from your network')));
      socket.close(WS_CLOSE.policy, 'too many connections');
      return;
    }
    const id = randomUUID();
    // An overlay has no session: it never writes, so nothing needs to follow it (and no cookie is set).
    const identity: ClientIdentity = overlay
      ? { sessionId: `overlay-${id}`, ipHash: '', role: 'viewer' }
      : (this.o.identify?.(req) ?? { sessionId: `conn-${id}`, ipHash: ip, role: 'viewer' });
    const client: WsClient<Out> = {
      ...identity,
      id,
      ip,
      readOnly: overlay,
      send: (message) => {
        if (entry.mailbox && this.fanout) this.fanout.reply(entry.mailbox, JSON.stringify(message));
        else this.sendRaw(entry, JSON.stringify(message));
      },
      close: (code, reason) => socket.close(code, reason),
    };
    const entry: Entry<Out> = { client, socket, alive: true };
    if (query.batch && this.fanout) {
      entry.mailbox = newMailbox((frame) => this.sendRaw(entry, frame));
      this.mailboxes.add(entry.mailbox);
    }
    this.clients.set(id, entry);
    socket.on('pong', () => (entry.alive = true));
    socket.on('message', (data, isBinary) => void this.receive(client, socket, data, isBinary));
    socket.on('close', () => {
      this.clients.delete(id);
      if (entry.mailbox) {
        this.mailboxes.delete(entry.mailbox);
        this.fanout?.forget(entry.mailbox);
      }
      this.quota.release(ip);
      for (const hook of this.closeHooks) hook(client);
    });
    socket.on('error', (err) => this.o.logger.debug({ event: 'ws_error', err: err.message }, 'websocket error'));
    for (const hook of this.openHooks) hook(client);
  }

  /** A moderator whose admin session ended (logout, expiry) is demoted before anything else it does. */
  private async checkModerator(client: WsClient<Out>): Promise<void> {
    if (client.role !== 'moderator' || !this.o.stillModerator) return;
    let still = false;
    try {
      still = client.adminSession !== undefined && (await this.o.stillModerator(client.adminSession));
    } catch {
      // The session store did not answer: fail closed (the admin page signs in again to moderate).
    }
    if (!still) this.demoteClient(client);
  }

  private demoteClient(client: WsClient<Out>): void {
    if (client.role !== 'moderator') return;
    client.role = 'viewer';
    delete client.adminSession;
    for (const hook of this.demoteHooks) hook(client);
  }

  /** An error in this socket's own protocol (the legacy socket's clients read `{action: 'error'}`). */
  private errorFrame(code: WsErrorCode, message: string): Out {
    // Without an encoder the socket speaks the /ws protocol, whose error frame is a ServerMessage.
    return this.o.encodeError ? this.o.encodeError(code, message) : (errorMessage(code, message) as Out);
  }

  /** One text frame to one socket; a socket that stopped reading is closed, not buffered for. */
  private sendRaw(entry: Entry<Out>, frame: string | Buffer): void {
    const { socket } = entry;
    if (entry.dropped || socket.readyState !== socket.OPEN) return;
    if (socket.bufferedAmount > (this.o.maxBufferedBytes ?? 1024 * 1024)) {
      this.dropSlow(entry);
      return;
    }
    socket.send(frame, { binary: false });
  }

  /**
   * 4001 "too slow": the close frame queues behind what the client has not read, so the socket is cut
   * after `slowCloseGraceMs` (2 s) whatever happens; its buffered data is freed then.
   */
  private dropSlow(entry: Entry<Out>): void {
    entry.dropped = true;
    if (entry.mailbox) {
      this.mailboxes.delete(entry.mailbox);
      this.fanout?.forget(entry.mailbox);
    }
    this.o.logger.warn({ event: 'ws_slow_consumer', client: entry.client.id, bufferedBytes: entry.socket.bufferedAmount }, 'closing a websocket that stopped reading');
    entry.socket.close(WS_CLOSE.tooSlow, 'demasiado lento / too slow: unread data over the limit');
    setTimeout(() => entry.socket.terminate(), this.o.slowCloseGraceMs ?? 2000).unref();
  }

  private async receive(client: WsClient<Out>, socket: WebSocket, data: unknown, isBinary: boolean): Promise<void> {
    // Stamped before any await: a sender's limits count its own frames as they arrived, not the server's backlog.
    const receivedAt = (this.o.now ?? Date.now)();
    if (isBinary) {
      socket.close(WS_CLOSE.unsupported, 'binary frames are not accepted');
      return;
    }
    const fail = (code: WsErrorCode, message: string) => client.send(this.errorFrame(code, message));
    if (client.readOnly) {
      fail('read_only', 'Esta conexión solo lee el chat / this connection only reads the chat');
      return;
    }
    if (client.role === 'moderator') await this.checkModerator(client);
    let parsed: unknown;
    try {
      parsed = JSON.parse(String(data));
    } catch {
      fail('bad_json', 'El mensaje no es JSON válido / the message is not valid JSON');
      return;
    }
    const decoded =
      typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
        ? (this.o.decode ?? defaultDecode)(parsed as Record<string, unknown>)
        : null;
    if (!decoded) {
      fail('bad_message', 'Mensaje sin tipo / the message has no type');
      return;
    }
    const handler = this.handlers.get(decoded.type);
    if (!handler) {
      fail('unknown_type', `Tipo de mensaje desconocido / unknown message type: ${decoded.type.slice(0, 32)}`);
      return;
    }
    const body = handler.schema.safeParse(decoded.body);
    if (!body.success) {
      const issue = body.error.issues[0];
      fail('invalid', `Mensaje inválido / invalid message: ${issue?.path.join('.') || decoded.type}: ${issue?.message ?? ''}`);
      return;
    }
    try {
      await handler.handle(client, body.data, receivedAt);
    } catch (err) {
      this.o.logger.error({ event: 'ws_handler_failed', type: handler.type, err: (err as Error).message }, 'websocket handler failed');
      fail('internal', 'Error interno; intente de nuevo / internal error; try again');
    }
  }
}

export function errorMessage(code: WsErrorCode, message: string): Extract<ServerMessage, { type: 'error' }> {
  return { type: 'error', code, message };
}
