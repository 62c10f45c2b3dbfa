import { Redis } from 'ioredis';
import type { Logger } from '../log/logger.js';
import type { ChatBackend } from './ports.js';
import { RedisBus, RedisPresence } from './bus/redis-bus.js';
import { RedisChatStore } from './store/redis-chat-store.js';

/** Several instances: chat history, moderation, fan-out and presence all live in one Redis. */
export async function createRedisBackend(url: string, prefix: string, logger: Logger): Promise<ChatBackend> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 3 });
  redis.on('error', (err: Error) => logger.warn({ event: 'redis_error', err: err.message }, 'redis error'));
  await redis.connect();
  const store = new RedisChatStore(redis, prefix);
  const bus = new RedisBus(redis, prefix, { onError: (err) => logger.warn({ event: 'redis_bus_error', err: (err as Error).message }, 'redis bus error') });
  const presence = new RedisPresence(redis, prefix);
  // Serve only once this instance hears the other instances' events.
  await bus.ready();
  logger.info({ event: 'chat_backend', backend: 'redis' }, 'chat shared through Redis');
  return {
    store,
    bus,
    presence,
    shared: { redis, prefix },
    async sharedSecret(candidate: string) {
      // The first instance's secret wins, so every instance accepts every instance's cookies.
      await redis.set(`${prefix}:session-secret`, candidate, 'NX');
      return (await redis.get(`${prefix}:session-secret`)) ?? candidate;
    },
    async close() {
      await bus.close();
      await presence.close();
      await store.close();
      redis.disconnect();
    },
  };
}
