import type { Redis } from 'ioredis';
import type { ChatBus, Presence } from './bus/chat-bus.js';
import type { ChatStore } from './store/chat-store.js';

/** What the chat runs on: a store, a bus and presence — SQLite and in-process, or Redis (backend.ts picks). */
export interface ChatBackend {
  store: ChatStore;
  bus: ChatBus;
  presence: Presence;
  /** The secret that signs viewer cookies, agreed among instances (the local one on a single machine). */
  sharedSecret(candidate: string): Promise<string>;
  /** With REDIS_URL: the connection and key prefix other shared state uses (admin sessions, the stream's state). */
  shared?: { redis: Redis; prefix: string };
  close(): Promise<void>;
}
