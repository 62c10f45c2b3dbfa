import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { WebSocket } from 'ws';
import { z } from 'zod';
import type { Logger } from '../log/logger.js';

/** One connected browser. */
export interface WsClient {
  id: string;
  ip: string;
  send(message: { type: string } & Record<string, unknown>): void;
  close(code: number, reason: string): void;
}

/** A client → server message type that plugs into the gateway (the chat adds its own). */
export interface MessageHandler<T = unknown> {
  type: string;
  schema: z.ZodType<T>;
  handle(client: WsClient, data: T): void | Promise<void>;
}

export interface GatewayOptions {
  logger: Logger;
  /** Largest frame accepted, in bytes. */
  maxPayload?: number;
  /** A client whose unsent data grows past this is dropped, not buffered forever. */
  maxBufferedBytes?: number;
  pingIntervalMs?: number;
}

const Envelope = z.object({ type: z.string().min(1).max(32) }).loose();

export const WS_CLOSE = { goingAway: 1001, unsupported: 1003, policy: 1008, tooBig: 1009 } as const;

/**
 * The /ws websocket: validates every frame, routes it by `type` to a registered handler, and broadcasts.
 * A bad frame gets an `error` message; it never affects other sockets.
 */
export class WsGateway {
  private readonly handlers = new Map<string, MessageHandler<any>>();
  private readonly openHooks: ((client: WsClient) => void)[] = [];
  private readonly closeHooks: ((client: WsClient) => void)[] = [];
  private readonly clients = new Map<string, { client: WsClient; socket: WebSocket; alive: boolean }>();
  private pinger: NodeJS.Timeout | null = null;

  constructor(private readonly o: GatewayOptions) {}

  get maxPayload(): number {
    return this.o.maxPayload ?? 16 * 1024;
  }

  register<T>(handler: MessageHandler<T>): void {
    if (this.handlers.has(handler.type)) throw new Error(`handler for "${handler.type}" already registered`);
    this.handlers.set(handler.type, handler);
  }

  onOpen(hook: (client: WsClient) => void): void {
    this.openHooks.push(hook);
  }

  onClose(hook: (client: WsClient) => void): void {
    this.closeHooks.push(hook);
  }

  count(): number {
    return this.clients.size;
  }

  broadcast(message: { type: string } & Record<string, unknown>): void {
    const text = JSON.stringify(message);
    for (const { client, socket } of this.clients.values()) this.sendRaw(client, socket, text);
  }

  /** Closes every socket (1001 on shutdown). */
  closeAll(code: number = WS_CLOSE.goingAway, reason = 'server shutting down'): void {
    for (const { socket } of this.clients.values()) socket.close(code, reason);
  }

  routes(app: FastifyInstance): void {
    app.get('/ws', { websocket: true }, (socket, req) => this.accept(socket, req));
    this.pinger = setInterval(() => {
      for (const entry of this.clients.values()) {
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
    });
  }

  private accept(socket: WebSocket, req: FastifyRequest): void {
    const id = randomUUID();
    const client: WsClient = {
      id,
      ip: req.ip,
      send: (message) => this.sendRaw(client, socket, JSON.stringify(message)),
      close: (code, reason) => socket.close(code, reason),
    };
    const entry = { client, socket, alive: true };
    this.clients.set(id, entry);
    socket.on('pong', () => (entry.alive = true));
    socket.on('message', (data, isBinary) => void this.receive(client, socket, data, isBinary));
    socket.on('close', () => {
      this.clients.delete(id);
      for (const hook of this.closeHooks) hook(client);
    });
    socket.on('error', (err) => this.o.logger.debug({ event: 'ws_error', err: err.message }, 'websocket error'));
    for (const hook of this.openHooks) hook(client);
  }

  private sendRaw(client: WsClient, socket: WebSocket, text: string): void {
    if (socket.readyState !== socket.OPEN) return;
    if (socket.bufferedAmount > (this.o.maxBufferedBytes ?? 1024 * 1024)) {
      this.o.logger.warn({ event: 'ws_slow_consumer', client: client.id }, 'dropping a websocket that stopped reading');
      socket.terminate();
      return;
    }
    socket.send(text);
  }

  private async receive(client: WsClient, socket: WebSocket, data: unknown, isBinary: boolean): Promise<void> {
    if (isBinary) {
      socket.close(WS_CLOSE.unsupported, 'binary frames are not accepted');
      return;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(String(data));
    } catch {
      client.send(errorMessage('bad_json', 'El mensaje no es JSON válido / the message is not valid JSON'));
      return;
    }
    const envelope = Envelope.safeParse(parsed);
    if (!envelope.success) {
      client.send(errorMessage('bad_message', 'Falta el campo "type" / the message needs a "type"'));
      return;
    }
    const handler = this.handlers.get(envelope.data.type);
    if (!handler) {
      client.send(errorMessage('unknown_type', `Tipo de mensaje desconocido / unknown message type: ${envelope.data.type.slice(0, 32)}`));
      return;
    }
    const body = handler.schema.safeParse(parsed);
    if (!body.success) {
      const issue = body.error.issues[0];
      client.send(errorMessage('invalid', `Mensaje inválido / invalid message: ${issue?.path.join('.') || envelope.data.type}: ${issue?.message ?? ''}`));
      return;
    }
    try {
      await handler.handle(client, body.data);
    } catch (err) {
      this.o.logger.error({ event: 'ws_handler_failed', type: handler.type, err: (err as Error).message }, 'websocket handler failed');
      client.send(errorMessage('internal', 'Error interno; intente de nuevo / internal error; try again'));
    }
  }
}

export function errorMessage(code: string, message: string) {
  return { type: 'error', code, message };
}
