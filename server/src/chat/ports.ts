import type { ChatBus, Presence } from './bus/chat-bus.js';
import type { ChatStore } from './store/chat-store.js';

/** What the chat runs on: a store, a bus and presence — SQLite and in-process, or Redis (backend.ts picks). */
export interface ChatBackend {
  store: ChatStore;
  bus: ChatBus;
  presence: Presence;
  /** The secret that signs viewer cookies, agreed among instances (the local one on a single machine). */
  sharedSecret(candidate: string): Promise<string>;
  close(): Promise<void>;
}
