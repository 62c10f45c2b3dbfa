/**
 * The moderator's view of the chat: the admin API's list (which, unlike the viewers' history, keeps deleted
 * messages, marked) kept current by the socket. A pure reducer, so every rule is testable without a DOM.
 */
import type { ChatMessage, ServerMessage } from '../../api/messages';
import type { ModeratedMessage } from '../api/types';

export interface ModerationState {
  /** Oldest first, as the server keeps them. */
  messages: ModeratedMessage[];
  pinnedId: string | null;
  /** The pinned message itself (the socket sends it whole; it may be older than the list). */
  pinned: ChatMessage | null;
  loaded: boolean;
}

export type ModerationAction =
  | { type: 'loaded'; messages: ModeratedMessage[]; pinned: string | null }
  | { type: 'server'; message: ServerMessage };

export const MAX_MODERATED = 200;

export const initialModeration: ModerationState = { messages: [], pinnedId: null, pinned: null, loaded: false };

export function moderationReducer(state: ModerationState, action: ModerationAction): ModerationState {
  if (action.type === 'loaded') {
    const pinned = action.pinned === null ? null : (action.messages.find((m) => m.id === action.pinned) ?? (state.pinned?.id === action.pinned ? state.pinned : null));
    return { messages: action.messages.slice(-MAX_MODERATED), pinnedId: action.pinned, pinned, loaded: true };
  }
  const m = action.message;
  switch (m.type) {
    case 'chat':
      if (state.messages.some((x) => x.id === m.message.id)) return state;
      return { ...state, messages: [...state.messages, { ...m.message, deleted: false }].slice(-MAX_MODERATED) };
    case 'deleted':
      return {
        ...state,
        messages: state.messages.map((x) => (x.id === m.id ? { ...x, deleted: true } : x)),
        ...(state.pinnedId === m.id ? { pinnedId: null, pinned: null } : {}),
      };
    case 'chat-cleared':
      return { ...state, messages: [], pinnedId: null, pinned: null };
    case 'pinned':
      return { ...state, pinnedId: m.message?.id ?? null, pinned: m.message };
    default:
      return state;
  }
}

/** Newest first: the moderator reads from the top without scrolling to the end of a long card. */
export function newestFirst(messages: readonly ModeratedMessage[]): ModeratedMessage[] {
  return [...messages].reverse();
}

/** Moderators' own messages cannot be silenced or blocked (the server refuses); they can be deleted or pinned. */
export function canSanction(message: ModeratedMessage): boolean {
  return message.role === 'viewer' && !message.deleted;
}
