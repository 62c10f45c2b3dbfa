import type { ResolvedConfig } from '../config/load.js';
import type { Logger } from '../log/logger.js';
import type { Db } from '../storage/database.js';
import { MemoryBus, MemoryPresence } from './bus/memory-bus.js';
import type { ChatBackend } from './ports.js';
import { SqliteChatStore } from './store/sqlite-chat-store.js';

export type { ChatBackend } from './ports.js';

/** One machine: SQLite and in-process fan-out. With REDIS_URL: everything shared through Redis. */
export async function createChatBackend(config: ResolvedConfig, db: Db, logger: Logger): Promise<ChatBackend> {
  if (!config.redisUrl) {
    const bus = new MemoryBus();
    const presence = new MemoryPresence();
    return {
      store: new SqliteChatStore(db),
      bus,
      presence,
      sharedSecret: async (candidate) => candidate,
      close: async () => {
        await bus.close();
        await presence.close();
      },
    };
  }
  const { createRedisBackend } = await import('./redis-backend.js');
  return createRedisBackend(config.redisUrl, `cdp:${config.streamName}`, logger);
}
