import type { ChatSettings } from '../../../../contract/admin.js';
import type { ChatMessage } from '../protocol.js';

export type { ChatSettings };

export const DEFAULT_SETTINGS: ChatSettings = { slowModeSeconds: 0, wordFilter: [], linksFromViewers: false, joinNotices: true };

/**
 * A ban (until lifted) or a time-out (until a time) of one browser session (its signed device cookie). The
 * address hash is kept, but blocks the address's new sessions only when the moderator asked for it, and
 * only until `addressUntil` (many phones share one address behind a carrier or the church Wi-Fi).
 */
export interface Sanction {
  id: string;
  kind: 'ban' | 'timeout';
  sessionId: string;
  ipHash: string;
  nick: string;
  at: string;
  /** Time-outs end; bans have no end. */
  until?: string;
  reason?: string;
  /** Set only on the moderator's explicit choice: new sessions from the same address are blocked until then. */
  addressUntil?: string;
}

/**
 * Where chat lives: messages (durable once `append` resolves) and moderation state. One embedded
 * implementation (SQLite) and one shared by several instances (Redis); both pass store.contract.test.ts.
 */
export interface ChatStore {
  append(message: ChatMessage): Promise<void>;
  /** The last `limit` visible messages, oldest first. */
  recent(limit: number): Promise<ChatMessage[]>;
  get(id: string): Promise<ChatMessage | undefined>;
  /** Hides a message from history; true when it existed and was visible. */
  markDeleted(id: string): Promise<boolean>;
  /** Hides every current message from history (they stay in exports, flagged). */
  clear(): Promise<void>;
  /** Every message (deleted ones flagged) with from ≤ at < to, oldest first. */
  range(fromIso: string, toIso: string): Promise<ChatMessage[]>;
  /** Deletes messages older than the time; returns how many. */
  purgeBefore(iso: string): Promise<number>;

  addSanction(sanction: Sanction): Promise<void>;
  removeSanction(id: string): Promise<boolean>;
  /** Sanctions still in force at `nowIso`. */
  activeSanctions(nowIso: string): Promise<Sanction[]>;

  getSettings(): Promise<ChatSettings>;
  setSettings(settings: ChatSettings): Promise<void>;
  getPinned(): Promise<string | null>;
  setPinned(id: string | null): Promise<void>;

  close(): Promise<void>;
}
