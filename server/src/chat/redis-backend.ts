import { Redis } from 'ioredis';
import type { Logger } from '../log/logger.js';
import type { ChatBackend } from './backend.js';
import { RedisBus, RedisPresence } from './bus/redis-bus.js';
import { RedisChatStore } from './store/redis-chat-store.js';

/** Several instances: chat history, moderation, fan-out and presence all live in one Redis. */
export async function createRedisBackend(url: string, prefix: string, logger: Logger): Promise<ChatBackend> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 3 });
  redis.on('error', (err: Error) => logger.warn({ event: 'redis_error', err: err.message }, 'redis error'));
  await redis.connect();
  const store = new RedisChatStore(redis, prefix);
  const bus = new RedisBus(redis, prefix);
  const presence = new RedisPresence(redis, prefix);
  logger.info({ event: 'chat_backend', backend: 'redis' }, 'chat shared through Redis');
  return {
    store,
    bus,
    presence,
    async close() {
      await bus.close();
      await presence.close();
      await store.close();
      redis.disconnect();
    },
  };
}
