import type { WsErrorCode } from './errors.js';
import type { StreamStatus } from './status.js';

/** Who wrote a message. Moderators are signed-in admins; `system` is the platform itself. */
export type ChatRole = 'viewer' | 'moderator' | 'system';

/** A chat message as clients see it (the stored one also keeps who sent it from where). */
export interface PublicMessage {
  id: string;
  nick: string;
  text: string;
  /** ISO time. */
  at: string;
  role: ChatRole;
}

/**
 * Every /ws message, server → client. Generic over the message, status and role shapes so the web can
 * name its leniently-parsed versions of them (parse.ts accepts epoch `at`, unknown roles) with this same
 * union; the server uses the defaults.
 */
export type ServerMessage<M = PublicMessage, S = StreamStatus, R = 'viewer' | 'moderator', C extends string = WsErrorCode> =
  | ({ type: 'status' } & S)
  | { type: 'viewers'; count: number }
  | { type: 'history'; messages: M[] }
  | { type: 'chat'; message: M }
  | { type: 'ack'; clientId: string; id: string }
  | { type: 'deleted'; id: string }
  /** A ban takes the author's recent lines off the OBS overlay; other clients may ignore it. */
  | { type: 'banned'; ids: string[] }
  | { type: 'error'; code: C; message: string; clientId?: string; retryAfterSec?: number }
  | { type: 'pinned'; message: M | null }
  | { type: 'chat-cleared' }
  /** Someone entered the chat with this name (shown, never kept in history). */
  | { type: 'join'; nick: string; at: string }
  | { type: 'welcome'; nick: string; role: R }
  /** Sent on connect (with the reader's role) and whenever a moderator changes it (without). */
  | { type: 'chat-settings'; slowModeSeconds: number; role?: R };

/**
 * What a /ws socket that opted in to batching (`/ws?batch=1`) receives for broadcasts: every message
 * broadcast within one fan-out tick (`chat.batchMs`, default 50 ms; longer under a large audience, see the
 * README's "Chat" section), in the order the server broadcast them, as ONE websocket frame. A reply to the
 * socket's own frame (`welcome`, `ack`, `error`…) comes after the messages broadcast before it, either in
 * the same `batch` or as its own single frame. Sockets that did not opt in receive the same messages as
 * single frames; `batch` never nests.
 */
export interface BatchFrame<Msg = ServerMessage> {
  type: 'batch';
  messages: Msg[];
}

/** One /ws text frame, server → client: a single message, or (opted-in sockets) a batch of them. */
export type ServerFrame<Msg = ServerMessage> = Msg | BatchFrame<Msg>;

/** Every /ws message, client → server (the server validates them with zod in chat/protocol.ts). */
export type ClientMessage = { type: 'hello'; nick: string } | { type: 'chat'; text: string; clientId: string };

/** The church's first frontend's message shape on /v1/websocket and /v1/streaming. Epoch-ms timestamps. */
export interface LegacyMessage {
  id: string;
  message: string;
  username: string;
  sendedAt: number;
  sendedBy: string;
  showTimestamp: boolean;
  identify: boolean;
}

/** /v1/websocket, server → client: `{action, data}`. */
export type LegacyServerFrame =
  | { action: 'chat-message'; data: LegacyMessage }
  | { action: 'chat-deleted'; data: { id: string } }
  | { action: 'viewers-refresh'; data: { viewers: number } }
  | { action: 'stream-started'; data: Record<string, never> }
  | { action: 'stream-ended'; data: Record<string, never> }
  | { action: 'error'; data: { code: WsErrorCode; message: string } };

/** /v1/websocket, client → server. */
export type LegacyClientFrame = {
  action: 'chat-message';
  data: {
    message: string;
    username: string;
    sendedAt?: number | string;
    sendedBy?: string | number;
    identify?: boolean;
    showTimestamp?: boolean;
  };
};
