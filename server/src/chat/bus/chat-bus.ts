import type { ChatMessage } from '../protocol.js';
import type { ChatSettings, Sanction } from '../store/chat-store.js';

/** What one instance tells every instance (itself included) about the chat. */
export type ChatEvent =
  | { kind: 'message'; message: ChatMessage }
  /** "NOMBRE está viendo" (from /ws `hello` or the legacy `identify: true`): delivered live, never stored. */
  | { kind: 'join'; nick: string; at: string; legacySender?: string }
  | { kind: 'deleted'; id: string }
  | { kind: 'cleared' }
  | { kind: 'pinned'; message: ChatMessage | null }
  | { kind: 'settings'; settings: ChatSettings }
  | { kind: 'sanction'; sanction: Sanction }
  /** An admin session was signed out: every instance demotes the sockets it made moderators. */
  | { kind: 'admin-ended'; session: string };

/**
 * Fan-out between service instances. Every subscriber receives every published event, including the
 * publisher's own, so delivery is the same path on one machine and on several.
 */
export interface ChatBus {
  publish(event: ChatEvent): Promise<void>;
  subscribe(handler: (event: ChatEvent) => void): () => void;
  close(): Promise<void>;
}

/** Connected viewers by session, counted once however many tabs or instances they use. */
export interface Presence {
  /** Records that these sessions are connected to this instance now. */
  report(sessionIds: string[], nowMs: number): Promise<void>;
  /** These sessions left (their last socket closed): not counted any more, until reported again. */
  forget(sessionIds: string[], nowMs: number): Promise<void>;
  /** Distinct sessions seen across instances within the last `windowMs`. */
  count(nowMs: number, windowMs: number): Promise<number>;
  close(): Promise<void>;
}
