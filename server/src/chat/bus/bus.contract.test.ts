import { describe, test, before, after, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import type { ChatMessage } from '../protocol.js';
import { startRedis, type TestRedis } from '../../../../test/helpers/redis-server.js';
import type { ChatBus, ChatEvent, Presence } from './chat-bus.js';
import { MemoryBus, MemoryPresence } from './memory-bus.js';
import { RedisBus, RedisPresence } from './redis-bus.js';

/** Several instances of one adapter sharing a medium (one process, or one Redis). */
interface Medium<T> {
  /** Another instance attached to the same medium, as a second service instance would have. */
  peer(): Promise<T>;
  cleanup(): Promise<void>;
}

const message: ChatMessage = {
  id: '00lt8b7k00abcd1234',
  nick: 'María',
  text: 'Amén 🙏',
  at: '2024-03-10T15:00:00.000Z',
  role: 'viewer',
  sessionId: 's1',
  ipHash: 'ip1',
  legacySender: 'legacy-1',
  showTimestamp: true,
};

const EVERY_KIND: ChatEvent[] = [
  { kind: 'message', message },
  { kind: 'join', nick: 'Pedro', at: '2024-03-10T15:00:01.000Z', legacySender: 'l-2' },
  { kind: 'deleted', id: message.id },
  { kind: 'cleared' },
  { kind: 'pinned', message },
  { kind: 'pinned', message: null },
  { kind: 'settings', settings: { slowModeSeconds: 10, wordFilter: ['x'], linksFromViewers: true, joinNotices: false } },
  {
    kind: 'sanction',
    sanction: { id: 'san1', kind: 'timeout', sessionId: 's1', ipHash: 'ip1', nick: 'María', at: '2024-03-10T15:00:02.000Z', until: '2024-03-10T15:10:02.000Z' },
  },
];

const deleted = (id: string): ChatEvent => ({ kind: 'deleted', id });

/** Records what a handler receives; `until(n)` waits (bounded) until it has received n events. */
function recorder() {
  const got: ChatEvent[] = [];
  const handler = (e: ChatEvent) => {
    got.push(e);
  };
  const until = async (n: number, timeoutMs = 3000) => {
    const end = Date.now() + timeoutMs;
    while (got.length < n) {
      if (Date.now() > end) throw new Error(`expected ${n} events, got ${got.length}: ${JSON.stringify(got)}`);
      await new Promise((r) => setTimeout(r, 5));
    }
    return got;
  };
  return { got, handler, until };
}

export function busContract(name: string, make: () => Promise<Medium<ChatBus>>): void {
  describe(name, () => {
    let medium: Medium<ChatBus>;
    beforeEach(async () => {
      medium = await make();
    });
    afterEach(async () => {
      await medium.cleanup();
    });

    test('the publisher receives its own event', async () => {
      const bus = await medium.peer();
      const r = recorder();
      bus.subscribe(r.handler);
      await bus.publish(deleted('m1'));
      assert.deepEqual(await r.until(1), [deleted('m1')]);
    });

    test('every kind of event arrives intact and in the order published', async () => {
      const bus = await medium.peer();
      const r = recorder();
      bus.subscribe(r.handler);
      for (const e of EVERY_KIND) await bus.publish(e);
      assert.deepEqual(await r.until(EVERY_KIND.length), EVERY_KIND);
    });

    test('every subscriber of every instance receives an event published by one of them', async () => {
      const [one, two] = [await medium.peer(), await medium.peer()];
      const [a, b, c] = [recorder(), recorder(), recorder()];
      one.subscribe(a.handler);
      two.subscribe(b.handler);
      two.subscribe(c.handler);
      await one.publish(deleted('from-one'));
      await two.publish(deleted('from-two'));
      for (const r of [a, b, c]) assert.deepEqual(await r.until(2), [deleted('from-one'), deleted('from-two')]);
    });

    test('a subscriber added later receives only later events', async () => {
      const bus = await medium.peer();
      const [early, late] = [recorder(), recorder()];
      bus.subscribe(early.handler);
      await bus.publish(deleted('first'));
      await early.until(1);
      bus.subscribe(late.handler);
      await bus.publish(deleted('second'));
      await early.until(2);
      assert.deepEqual(await late.until(1), [deleted('second')]);
      assert.equal(late.got.length, 1);
    });

    test('after unsubscribing a handler receives nothing more; the others still do', async () => {
      const bus = await medium.peer();
      const [stays, leaves] = [recorder(), recorder()];
      bus.subscribe(stays.handler);
      const unsubscribe = bus.subscribe(leaves.handler);
      await bus.publish(deleted('before'));
      await leaves.until(1);
      unsubscribe();
      await bus.publish(deleted('after'));
      // Delivery on one instance is in order, so once `stays` has the second event `leaves` would have too.
      assert.deepEqual(await stays.until(2), [deleted('before'), deleted('after')]);
      assert.deepEqual(leaves.got, [deleted('before')]);
    });
  });
}

export function presenceContract(name: string, make: () => Promise<Medium<Presence>>): void {
  describe(name, () => {
    const NOW = 1_700_000_000_000;
    const WINDOW = 30_000;
    let medium: Medium<Presence>;
    beforeEach(async () => {
      medium = await make();
    });
    afterEach(async () => {
      await medium.cleanup();
    });

    test('nobody is counted before anyone reports', async () => {
      const p = await medium.peer();
      assert.equal(await p.count(NOW, WINDOW), 0);
    });

    test('a session reported by two instances is counted once, from either instance', async () => {
      const [one, two] = [await medium.peer(), await medium.peer()];
      await one.report(['a', 'b'], NOW);
      await two.report(['b', 'c'], NOW + 100);
      assert.equal(await one.count(NOW + 200, WINDOW), 3);
      assert.equal(await two.count(NOW + 200, WINDOW), 3);
    });

    test('reporting the same session again does not count it twice', async () => {
      const p = await medium.peer();
      await p.report(['a', 'a'], NOW);
      await p.report(['a'], NOW + 1000);
      assert.equal(await p.count(NOW + 1000, WINDOW), 1);
    });

    test('a session counts until exactly `window` after it was last seen, then not', async () => {
      const p = await medium.peer();
      await p.report(['a'], NOW);
      await p.report(['b'], NOW + 5000);
      assert.equal(await p.count(NOW + WINDOW, WINDOW), 2);
      assert.equal(await p.count(NOW + WINDOW + 1, WINDOW), 1);
      assert.equal(await p.count(NOW + 5000 + WINDOW + 1, WINDOW), 0);
    });

    test('a later report keeps a session counted', async () => {
      const [one, two] = [await medium.peer(), await medium.peer()];
      await one.report(['a'], NOW);
      await two.report(['a'], NOW + 20_000);
      assert.equal(await one.count(NOW + WINDOW + 10_000, WINDOW), 1);
    });

    test('a session that left is forgotten at once, not after the window', async () => {
      const [one, two] = [await medium.peer(), await medium.peer()];
      await one.report(['a', 'b'], NOW);
      await two.forget(['a', 'unknown'], NOW + 10);
      assert.equal(await one.count(NOW + 20, WINDOW), 1);
      await one.forget([], NOW + 30);
      assert.equal(await one.count(NOW + 40, WINDOW), 1);
    });

    test('an empty report is allowed and changes nothing', async () => {
      const p = await medium.peer();
      await p.report(['a'], NOW);
      await p.report([], NOW);
      assert.equal(await p.count(NOW, WINDOW), 1);
    });
  });
}

busContract('MemoryBus', async () => {
  // In one process every "instance" is the same bus.
  const bus = new MemoryBus();
  return { peer: async () => bus, cleanup: () => bus.close() };
});

presenceContract('MemoryPresence', async () => {
  const presence = new MemoryPresence();
  return { peer: async () => presence, cleanup: () => presence.close() };
});

describe('with a real redis-server', () => {
  let server: TestRedis | undefined;
  before(async () => {
    server = await startRedis();
  });
  after(async () => {
    await server?.stop();
  });

  /** Each peer gets its own connection, as separate service instances would. */
  function redisMedium<T extends ChatBus | Presence>(create: (redis: Redis, prefix: string) => T): () => Promise<Medium<T>> {
    return async () => {
      const prefix = `test:${randomUUID()}`;
      const opened: { redis: Redis; adapter: T }[] = [];
      return {
        peer: async () => {
          const redis = new Redis(server!.url, { maxRetriesPerRequest: 1 });
          const adapter = create(redis, prefix);
          opened.push({ redis, adapter });
          // A service instance starts serving only once it hears the channel (see createRedisBackend).
          if (adapter instanceof RedisBus) await adapter.ready();
          return adapter;
        },
        cleanup: async () => {
          for (const { redis, adapter } of opened) {
            await adapter.close();
            await redis.quit();
          }
        },
      };
    };
  }

  busContract('RedisBus', redisMedium((redis, prefix) => new RedisBus(redis, prefix)));
  presenceContract('RedisPresence', redisMedium((redis, prefix) => new RedisPresence(redis, prefix)));

  describe('RedisBus on the wire', () => {
    const connections: Redis[] = [];
    const buses: RedisBus[] = [];
    const connect = () => {
      const redis = new Redis(server!.url, { maxRetriesPerRequest: 1 });
      connections.push(redis);
      return redis;
    };
    const busOn = (redis: Redis, prefix: string, onError?: (e: unknown) => void) => {
      const bus = new RedisBus(redis, prefix, onError ? { onError } : {});
      buses.push(bus);
      return bus;
    };
    afterEach(async () => {
      for (const bus of buses.splice(0)) await bus.close();
      for (const redis of connections.splice(0)) await redis.quit();
    });

    test('malformed payloads on the channel are ignored and later events still arrive', async () => {
      const prefix = `test:${randomUUID()}`;
      const redis = connect();
      const errors: unknown[] = [];
      const bus = busOn(redis, prefix, (e) => errors.push(e));
      const r = recorder();
      bus.subscribe(r.handler);
      await bus.publish(deleted('first'));
      await r.until(1);
      for (const raw of ['not json', '{"kind":', '42', 'null', '[]', '{"kind":"nope"}', '{"kind":"message"}', '{"kind":"deleted","id":7}', '{"kind":"pinned"}']) {
        await redis.publish(`${prefix}:events`, raw);
      }
      await bus.publish(deleted('last'));
      assert.deepEqual(await r.until(2), [deleted('first'), deleted('last')]);
      assert.deepEqual(errors, []);
    });

    test('events are JSON on the `<prefix>:events` channel', async () => {
      const prefix = `test:${randomUUID()}`;
      const bus = busOn(connect(), prefix);
      const listener = connect();
      const raw: string[] = [];
      listener.on('message', (channel: string, payload: string) => raw.push(`${channel} ${payload}`));
      await listener.subscribe(`${prefix}:events`);
      await bus.publish({ kind: 'cleared' });
      const end = Date.now() + 3000;
      while (raw.length === 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 5));
      assert.deepEqual(raw, [`${prefix}:events {"kind":"cleared"}`]);
    });

    test('buses under different prefixes do not hear each other', async () => {
      const one = busOn(connect(), `test:${randomUUID()}`);
      const two = busOn(connect(), `test:${randomUUID()}`);
      const [a, b] = [recorder(), recorder()];
      one.subscribe(a.handler);
      two.subscribe(b.handler);
      await one.publish(deleted('for-one'));
      await two.publish(deleted('for-two'));
      assert.deepEqual(await a.until(1), [deleted('for-one')]);
      assert.deepEqual(await b.until(1), [deleted('for-two')]);
      await one.publish(deleted('again'));
      await a.until(2);
      assert.deepEqual(b.got, [deleted('for-two')]);
    });

    test('close quits the subscriber connection but leaves the publishing connection usable', async () => {
      const redis = connect();
      const prefix = `test:${randomUUID()}`;
      const bus = busOn(redis, prefix);
      await bus.publish(deleted('warm-up'));
      const clients = async () => String(await redis.client('LIST')).trim().split('\n').length;
      const before = await clients();
      assert.equal(await redis.pubsub('NUMSUB', `${prefix}:events`).then((r) => Number((r as [string, number])[1])), 1);
      await bus.close();
      await bus.close();
      assert.equal(await redis.ping(), 'PONG');
      assert.equal(await redis.pubsub('NUMSUB', `${prefix}:events`).then((r) => Number((r as [string, number])[1])), 0);
      // The subscriber connection is gone (the server may take a moment to notice the QUIT).
      const end = Date.now() + 3000;
      while ((await clients()) !== before - 1 && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
      assert.equal(await clients(), before - 1);
    });
  });

  describe('RedisBus handler failures', () => {
    test('a handler that throws is reported and does not stop delivery to the next ones', async () => {
      const redis = new Redis(server!.url, { maxRetriesPerRequest: 1 });
      const errors: unknown[] = [];
      const bus = new RedisBus(redis, `test:${randomUUID()}`, { onError: (e) => errors.push(e) });
      try {
        const r = recorder();
        bus.subscribe(() => {
          throw new Error('handler bug');
        });
        bus.subscribe(r.handler);
        await bus.publish(deleted('x'));
        await bus.publish(deleted('y'));
        assert.deepEqual(await r.until(2), [deleted('x'), deleted('y')]);
        assert.deepEqual(errors.map((e) => (e as Error).message), ['handler bug', 'handler bug']);
      } finally {
        await bus.close();
        await redis.quit();
      }
    });
  });

  describe('RedisPresence on the wire', () => {
    test('entries older than twice the window are removed from Redis when counting', async () => {
      const redis = new Redis(server!.url, { maxRetriesPerRequest: 1 });
      try {
        const prefix = `test:${randomUUID()}`;
        const p = new RedisPresence(redis, prefix);
        await p.report(['old', 'mid', 'new'], 0);
        await p.report(['mid'], 40_000);
        await p.report(['new'], 70_000);
        // now = 75 s, window = 30 s: counted from 45 s, kept from 15 s.
        assert.equal(await p.count(75_000, 30_000), 1);
        assert.deepEqual(await redis.zrange(`${prefix}:presence`, 0, -1, 'WITHSCORES'), ['mid', '40000', 'new', '70000']);
        await p.close();
        assert.equal(await redis.ping(), 'PONG');
      } finally {
        await redis.quit();
      }
    });
  });
});
