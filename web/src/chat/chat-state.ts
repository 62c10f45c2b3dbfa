import type { ChatMessage, ServerMessage } from '../api/messages';

/** What the chat panel shows; changed only by `chatReducer`, so every rule here is testable without a DOM. */
export interface ChatState {
  messages: ChatMessage[];
  pinned: ChatMessage | null;
  /** Ids of messages this browser wrote (acks matched by clientId). */
  ownIds: ReadonlySet<string>;
  /** Sent, not yet acknowledged (`at`: when, on this browser's clock). */
  pending: { clientId: string; text: string; at: number }[];
  /** Every refusal not yet dismissed, oldest first: a quick second send never hides the first refusal. */
  errors: ChatError[];
  /** Last error's sequence number, so the same error twice is announced twice. */
  errorSeq: number;
  /** The chat's slow mode (seconds between two messages of a viewer; 0 = off). */
  slowModeSeconds: number;
  /** Moderators are not held by slow mode. */
  moderator: boolean;
  /** When this browser's last accepted message was sent (its clock): slow mode counts from it. */
  lastAcceptedAt: number | null;
  /** A moderator cleared the chat since the page opened. */
  cleared: boolean;
  /** Join notices shown so far: gives each its own id in the list. */
  joins: number;
}

export interface ChatError {
  code: string;
  message: string;
  /** The text of the message the error refused, to put back in the composer. */
  refusedText: string | null;
  /** Changes with every error, so the same error twice is announced twice. */
  seq: number;
}

export type ChatAction =
  | { type: 'server'; message: ServerMessage }
  | { type: 'sent'; clientId: string; text: string; at: number }
  | { type: 'dismiss-error'; seq: number };

/** Refusals kept on screen at most (the oldest go first beyond this). */
export const MAX_ERRORS = 20;

/** The newest messages kept in memory; older ones scroll away. */
export const MAX_MESSAGES = 200;

export function initialChatState(ownIds: Iterable<string> = []): ChatState {
  return {
    messages: [],
    pinned: null,
    ownIds: new Set(ownIds),
    pending: [],
    errors: [],
    errorSeq: 0,
    cleared: false,
    slowModeSeconds: 0,
    moderator: false,
    lastAcceptedAt: null,
    joins: 0,
  };
}

const NICK_ERRORS = new Set(['nick_taken', 'nick_reserved']);

export function isNickError(code: string): boolean {
  return NICK_ERRORS.has(code);
}

export function chatReducer(state: ChatState, action: ChatAction): ChatState {
  switch (action.type) {
    case 'sent':
      return { ...state, pending: [...state.pending, { clientId: action.clientId, text: action.text, at: action.at }] };
    case 'dismiss-error':
      return { ...state, errors: state.errors.filter((e) => e.seq !== action.seq) };
    case 'server':
      return onServer(state, action.message);
  }
}

function onServer(state: ChatState, m: ServerMessage): ChatState {
  switch (m.type) {
    case 'history':
      return { ...state, messages: m.messages.slice(-MAX_MESSAGES) };
    case 'chat': {
      if (state.messages.some((x) => x.id === m.message.id)) return state;
      return { ...state, messages: [...state.messages, m.message].slice(-MAX_MESSAGES) };
    }
    case 'join': {
      // Shown among the messages until they scroll away; a history reload (reconnect) drops it.
      const line: ChatMessage = { id: `join:${state.joins}`, nick: m.nick, text: '', at: m.at, role: 'system', kind: 'join' };
      return { ...state, joins: state.joins + 1, messages: [...state.messages, line].slice(-MAX_MESSAGES) };
    }
    case 'ack': {
      const ownIds = new Set(state.ownIds);
      ownIds.add(m.id);
      const sent = state.pending.find((p) => p.clientId === m.clientId);
      const lastAcceptedAt = sent ? Math.max(sent.at, state.lastAcceptedAt ?? 0) : state.lastAcceptedAt;
      return { ...state, ownIds, lastAcceptedAt, pending: state.pending.filter((p) => p.clientId !== m.clientId) };
    }
    case 'deleted':
      return {
        ...state,
        messages: state.messages.filter((x) => x.id !== m.id),
        pinned: state.pinned?.id === m.id ? null : state.pinned,
      };
    case 'pinned':
      return { ...state, pinned: m.message };
    case 'chat-cleared':
      return { ...state, messages: [], pinned: null, cleared: true };
    case 'chat-settings':
      return { ...state, slowModeSeconds: m.slowModeSeconds, moderator: m.role === undefined ? state.moderator : m.role === 'moderator' };
    case 'welcome':
      return { ...state, moderator: m.role === 'moderator' };
    case 'error': {
      // An error answers the oldest unacknowledged message unless it names the one it refuses.
      const refused = isNickError(m.code)
        ? undefined
        : (state.pending.find((p) => p.clientId === m.clientId) ?? (m.clientId === undefined ? state.pending[0] : undefined));
      const seq = state.errorSeq + 1;
      return {
        ...state,
        pending: refused ? state.pending.filter((p) => p !== refused) : state.pending,
        errors: [...state.errors, { code: m.code, message: m.message, refusedText: refused?.text ?? null, seq }].slice(-MAX_ERRORS),
        errorSeq: seq,
      };
    }
    default:
      return state;
  }
}
