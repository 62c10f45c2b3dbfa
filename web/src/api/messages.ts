import type { ChatRole as WireRole, ClientMessage, PublicMessage, ServerMessage as WireServerMessage } from '../../../contract/ws';
import { isStr, jsonObject, type Obj } from './read';
import { parseStatus, type StreamStatus } from './status';

/** The /ws protocol (contract/ws.ts) as the page reads it: parsing below is lenient, and these types say how. */
export type ChatRole = WireRole | (string & {});

export type { ClientMessage };

export interface ChatMessage extends Omit<PublicMessage, 'at' | 'role'> {
  /** ISO time or epoch ms, as the server sent it. */
  at: string | number;
  role: ChatRole;
  /** A line the chat shows but nobody wrote: "NOMBRE está viendo" (never stored, never in history). */
  kind?: 'join';
}

/** Every server → client frame of the contract, with the page's lenient message, status, role and error code. */
export type ServerMessage = WireServerMessage<ChatMessage, StreamStatus, ChatRole, string>;

const id = (v: unknown): string | null => (isStr(v) ? v : typeof v === 'number' && Number.isFinite(v) ? String(v) : null);

export function parseChatMessage(v: unknown): ChatMessage | null {
  if (typeof v !== 'object' || v === null) return null;
  const o = v as Record<string, unknown>;
  const messageId = id(o.id);
  if (messageId === null || !isStr(o.nick) || !isStr(o.text)) return null;
  return {
    id: messageId,
    nick: o.nick,
    text: o.text,
    at: isStr(o.at) || typeof o.at === 'number' ? o.at : Date.now(),
    role: isStr(o.role) ? o.role : 'viewer',
  };
}

/**
 * Parses one message: a text frame, or one object of a decoded frame (frames.ts `decodeFrame`); unknown
 * or malformed messages yield null and are ignored.
 */
export function parseServerMessage(raw: string | Obj): ServerMessage | null {
  const o = typeof raw === 'string' ? jsonObject(raw) : raw;
  if (!o) return null;
  switch (o.type) {
    case 'status': {
      const status = parseStatus(o);
      return status ? { type: 'status', ...status } : null;
    }
    case 'viewers':
      return typeof o.count === 'number' ? { type: 'viewers', count: o.count } : null;
    case 'history':
      return Array.isArray(o.messages)
        ? { type: 'history', messages: o.messages.map(parseChatMessage).filter((m): m is ChatMessage => m !== null) }
        : null;
    case 'chat': {
      const message = parseChatMessage(o.message);
      return message ? { type: 'chat', message } : null;
    }
    case 'ack': {
      const messageId = id(o.id);
      return isStr(o.clientId) && messageId !== null ? { type: 'ack', clientId: o.clientId, id: messageId } : null;
    }
    case 'deleted': {
      const messageId = id(o.id);
      return messageId !== null ? { type: 'deleted', id: messageId } : null;
    }
    case 'error':
      return {
        type: 'error',
        code: isStr(o.code) ? o.code : 'unknown',
        message: isStr(o.message) ? o.message : '',
        ...(isStr(o.clientId) ? { clientId: o.clientId } : {}),
      };
    case 'pinned':
      return { type: 'pinned', message: o.message === null ? null : parseChatMessage(o.message) };
    case 'chat-cleared':
      return { type: 'chat-cleared' };
    case 'join':
      return isStr(o.nick) && isStr(o.at) ? { type: 'join', nick: o.nick, at: o.at } : null;
    case 'welcome':
      return isStr(o.nick) ? { type: 'welcome', nick: o.nick, role: isStr(o.role) ? o.role : 'viewer' } : null;
    case 'chat-settings': {
      const seconds = typeof o.slowModeSeconds === 'number' && Number.isFinite(o.slowModeSeconds) ? Math.max(0, o.slowModeSeconds) : 0;
      return { type: 'chat-settings', slowModeSeconds: seconds, ...(isStr(o.role) ? { role: o.role } : {}) };
    }
    default:
      return null;
  }
}
