import { describe, test, before, after, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { openDatabase } from '../../storage/database.js';
import type { ChatMessage } from '../protocol.js';
import { startRedis, type TestRedis } from '../../../../test/helpers/redis-server.js';
import { DEFAULT_SETTINGS, type ChatSettings, type ChatStore, type Sanction } from './chat-store.js';
import { RedisChatStore } from './redis-chat-store.js';
import { SqliteChatStore } from './sqlite-chat-store.js';

const T0 = Date.parse('2024-03-10T15:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();

/** A message written `offsetMs` after T0; `tie` tells apart messages written in the same millisecond. */
function msg(offsetMs: number, tie = 'a', extra: Partial<ChatMessage> = {}): ChatMessage {
  const at = T0 + offsetMs;
  return {
    id: `${at.toString(36).padStart(10, '0')}${tie.padEnd(8, '0')}`,
    nick: `nick${offsetMs}${tie}`,
    text: `hola ${offsetMs}${tie}`,
    at: iso(at),
    role: 'viewer',
    sessionId: `s-${offsetMs}`,
    ipHash: `ip-${offsetMs}`,
    ...extra,
  };
}

const ids = (items: { id: string }[]) => items.map((i) => i.id);

function sanction(id: string, kind: Sanction['kind'], atOffset: number, untilOffset?: number, reason?: string): Sanction {
  return {
    id,
    kind,
    sessionId: `s-${id}`,
    ipHash: `ip-${id}`,
    nick: `nick-${id}`,
    at: iso(T0 + atOffset),
    ...(untilOffset === undefined ? {} : { until: iso(T0 + untilOffset) }),
    ...(reason === undefined ? {} : { reason }),
  };
}

export function storeContract(name: string, make: () => Promise<{ store: ChatStore; cleanup: () => Promise<void> }>): void {
  describe(name, () => {
    let store: ChatStore;
    let cleanup: () => Promise<void>;

    beforeEach(async () => {
      ({ store, cleanup } = await make());
    });
    afterEach(async () => {
      await store.close();
      await cleanup();
    });

    describe('messages', () => {
      test('a stored message reads back exactly, optional fields kept when set and absent when not', async () => {
        const full = msg(1, 'a', { role: 'moderator', legacySender: 'legacy-42', showTimestamp: false });
        const bare = msg(2, 'a', { role: 'system' });
        await store.append(full);
        await store.append(bare);
        assert.deepEqual(await store.get(full.id), full);
        assert.deepEqual(await store.get(bare.id), bare);
        assert.equal('legacySender' in (await store.get(bare.id))!, false);
        assert.equal('deleted' in (await store.get(bare.id))!, false);
      });

      test('showTimestamp true survives the round trip', async () => {
        const m = msg(1, 'a', { showTimestamp: true });
        await store.append(m);
        assert.equal((await store.get(m.id))?.showTimestamp, true);
      });

      test('an unknown id reads as undefined', async () => {
        await store.append(msg(1));
        assert.equal(await store.get('nope'), undefined);
      });

      test('an empty store has no recent messages', async () => {
        assert.deepEqual(await store.recent(50), []);
      });

      test('recent gives the last `limit` messages oldest first, whatever the append order', async () => {
        const all = [msg(10), msg(20), msg(30), msg(40), msg(50)];
        for (const m of [all[3]!, all[0]!, all[4]!, all[2]!, all[1]!]) await store.append(m);
        assert.deepEqual(ids(await store.recent(3)), ids(all.slice(2)));
        assert.deepEqual(ids(await store.recent(100)), ids(all));
        assert.deepEqual(await store.recent(1), [all[4]]);
      });

      test('recent with a limit of 0 is empty', async () => {
        await store.append(msg(1));
        assert.deepEqual(await store.recent(0), []);
      });

      test('messages in the same millisecond are ordered by id in recent and range', async () => {
        const [a, b, c] = [msg(5, 'a'), msg(5, 'b'), msg(5, 'c')];
        await store.append(c);
        await store.append(a);
        await store.append(b);
        assert.deepEqual(ids(await store.recent(10)), [a.id, b.id, c.id]);
        assert.deepEqual(ids(await store.recent(2)), [b.id, c.id]);
        assert.deepEqual(ids(await store.range(iso(T0), iso(T0 + 6))), [a.id, b.id, c.id]);
      });

      test('range orders by id even where the `at` times disagree with it', async () => {
        // The id carries the time the service assigned; `at` is written separately.
        const first = msg(10, 'a', { at: iso(T0 + 30) });
        const second = msg(20, 'a', { at: iso(T0 + 15) });
        await store.append(second);
        await store.append(first);
        assert.deepEqual(ids(await store.range(iso(T0), iso(T0 + 100))), [first.id, second.id]);
        assert.deepEqual(ids(await store.recent(10)), [first.id, second.id]);
      });

      test('deleting a visible message answers true once, hides it from recent and flags it in get', async () => {
        const [a, b, c] = [msg(1), msg(2), msg(3)];
        for (const m of [a, b, c]) await store.append(m);
        assert.equal(await store.markDeleted(b.id), true);
        assert.equal(await store.markDeleted(b.id), false);
        assert.deepEqual(ids(await store.recent(10)), [a.id, c.id]);
        // The limit counts visible messages only: the deleted one does not take a slot.
        assert.deepEqual(ids(await store.recent(2)), [a.id, c.id]);
        assert.deepEqual(await store.get(b.id), { ...b, deleted: true });
        assert.deepEqual(await store.get(a.id), a);
      });

      test('deleting an unknown id answers false and changes nothing', async () => {
        const a = msg(1);
        await store.append(a);
        assert.equal(await store.markDeleted('nope'), false);
        assert.deepEqual(await store.recent(10), [a]);
      });

      test('clear hides every current message from recent; later ones show; range keeps the cleared ones flagged', async () => {
        const [a, b, c] = [msg(1), msg(2), msg(3)];
        await store.append(a);
        await store.append(b);
        await store.clear();
        assert.deepEqual(await store.recent(10), []);
        assert.equal(await store.markDeleted(a.id), false, 'a cleared message is no longer visible');
        await store.append(c);
        assert.deepEqual(await store.recent(10), [c]);
        assert.deepEqual(await store.range(iso(T0), iso(T0 + 1000)), [
          { ...a, deleted: true },
          { ...b, deleted: true },
          c,
        ]);
        assert.deepEqual(await store.get(a.id), { ...a, deleted: true });
      });

      test('clear on an empty store is harmless', async () => {
        await store.clear();
        const a = msg(1);
        await store.append(a);
        assert.deepEqual(await store.recent(10), [a]);
      });

      test('range includes `from`, excludes `to`, is oldest first and flags deleted messages', async () => {
        const [before, atFrom, inside, deleted, atTo] = [msg(999), msg(1000), msg(1500), msg(1600), msg(2000)];
        for (const m of [atTo, inside, before, deleted, atFrom]) await store.append(m);
        await store.markDeleted(deleted.id);
        assert.deepEqual(await store.range(iso(T0 + 1000), iso(T0 + 2000)), [atFrom, inside, { ...deleted, deleted: true }]);
        assert.deepEqual(await store.range(iso(T0 + 2001), iso(T0 + 3000)), []);
        assert.deepEqual(await store.range(iso(T0 + 1000), iso(T0 + 1000)), []);
      });

      test('purgeBefore removes strictly older messages, deleted or not, and counts them', async () => {
        const [old1, old2, boundary, fresh] = [msg(1), msg(2), msg(100), msg(200)];
        for (const m of [old1, old2, boundary, fresh]) await store.append(m);
        await store.markDeleted(old2.id);
        assert.equal(await store.purgeBefore(iso(T0 + 100)), 2);
        assert.equal(await store.get(old1.id), undefined);
        assert.equal(await store.get(old2.id), undefined);
        assert.deepEqual(await store.recent(10), [boundary, fresh]);
        assert.deepEqual(await store.range(iso(T0), iso(T0 + 1000)), [boundary, fresh]);
        assert.equal(await store.markDeleted(old1.id), false, 'a purged message cannot be deleted');
        assert.equal(await store.purgeBefore(iso(T0 + 100)), 0);
      });

      test('purgeBefore on an empty store counts 0', async () => {
        assert.equal(await store.purgeBefore(iso(T0 + 1000)), 0);
      });
    });

    describe('sanctions', () => {
      test('nothing is in force in a fresh store', async () => {
        assert.deepEqual(await store.activeSanctions(iso(T0)), []);
      });

      test('a ban stays in force; a time-out ends exactly at `until`', async () => {
        const ban = sanction('ban1', 'ban', 0, undefined, 'spam');
        const timeout = sanction('to1', 'timeout', 10, 60_010);
        await store.addSanction(timeout);
        await store.addSanction(ban);
        assert.deepEqual(await store.activeSanctions(iso(T0 + 60_009)), [ban, timeout]);
        assert.deepEqual(await store.activeSanctions(iso(T0 + 60_010)), [ban]);
        assert.deepEqual(await store.activeSanctions(iso(T0 + 10 * 365 * 86_400_000)), [ban]);
      });

      test('active sanctions are listed by when they were given', async () => {
        const [s1, s2, s3] = [sanction('z', 'ban', 1), sanction('a', 'timeout', 2, 100_000), sanction('m', 'ban', 3)];
        for (const s of [s3, s1, s2]) await store.addSanction(s);
        assert.deepEqual(ids(await store.activeSanctions(iso(T0 + 50))), ['z', 'a', 'm']);
      });

      test('adding a sanction with an existing id replaces it', async () => {
        await store.addSanction(sanction('x', 'timeout', 0, 1000));
        const ban = sanction('x', 'ban', 5, undefined, 'again');
        await store.addSanction(ban);
        assert.deepEqual(await store.activeSanctions(iso(T0 + 2000)), [ban]);
      });

      test('removing a sanction answers true once and lifts it', async () => {
        const [a, b] = [sanction('a', 'ban', 0), sanction('b', 'ban', 1)];
        await store.addSanction(a);
        await store.addSanction(b);
        assert.equal(await store.removeSanction('a'), true);
        assert.equal(await store.removeSanction('a'), false);
        assert.equal(await store.removeSanction('never'), false);
        assert.deepEqual(await store.activeSanctions(iso(T0 + 10)), [b]);
      });
    });

    describe('settings and pinned message', () => {
      test('settings default when nothing was stored', async () => {
        assert.deepEqual(await store.getSettings(), DEFAULT_SETTINGS);
      });

      test('stored settings read back', async () => {
        const settings: ChatSettings = { slowModeSeconds: 30, wordFilter: ['tonto', 'feo'], linksFromViewers: true, joinNotices: false };
        await store.setSettings(settings);
        assert.deepEqual(await store.getSettings(), settings);
        await store.setSettings({ ...settings, slowModeSeconds: 0, wordFilter: [] });
        assert.deepEqual(await store.getSettings(), { slowModeSeconds: 0, wordFilter: [], linksFromViewers: true, joinNotices: false });
      });

      test('settings stored without a newer field get that field from the defaults', async () => {
        // What an older version wrote: no `linksFromViewers`, no `wordFilter`.
        await store.setSettings({ slowModeSeconds: 5 } as ChatSettings);
        assert.deepEqual(await store.getSettings(), { slowModeSeconds: 5, wordFilter: [], linksFromViewers: false, joinNotices: true });
      });

      test('no message is pinned at first; pinning and unpinning read back', async () => {
        assert.equal(await store.getPinned(), null);
        await store.setPinned('0000abc123');
        assert.equal(await store.getPinned(), '0000abc123');
        await store.setPinned('0000abc999');
        assert.equal(await store.getPinned(), '0000abc999');
        await store.setPinned(null);
        assert.equal(await store.getPinned(), null);
      });
    });
  });
}

storeContract('SqliteChatStore', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cdp-chat-store-'));
  const db = openDatabase(dir);
  return {
    store: new SqliteChatStore(db),
    cleanup: async () => {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

describe('with a real redis-server', () => {
  let server: TestRedis | undefined;
  const clients: Redis[] = [];
  const connect = () => {
    const c = new Redis(server!.url, { maxRetriesPerRequest: 1 });
    clients.push(c);
    return c;
  };

  before(async () => {
    server = await startRedis();
  });
  after(async () => {
    await Promise.all(clients.map((c) => c.quit().catch(() => c.disconnect())));
    await server?.stop();
  });

  storeContract('RedisChatStore', async () => {
    const redis = new Redis(server!.url, { maxRetriesPerRequest: 1 });
    // A fresh prefix per test keeps tests apart without flushing the server.
    return { store: new RedisChatStore(redis, `test:${randomUUID()}`), cleanup: async () => void (await redis.quit()) };
  });

  describe('RedisChatStore across instances', () => {
    test('a message is readable from another connection as soon as append resolves', async () => {
      const prefix = `test:${randomUUID()}`;
      const writer = new RedisChatStore(connect(), prefix);
      const reader = new RedisChatStore(connect(), prefix);
      const m = msg(1);
      await writer.append(m);
      assert.deepEqual(await reader.get(m.id), m);
      assert.deepEqual(await reader.recent(10), [m]);
      assert.equal(await reader.markDeleted(m.id), true);
      assert.deepEqual(await writer.get(m.id), { ...m, deleted: true });
    });

    test('stores under different prefixes do not see each other', async () => {
      const redis = connect();
      const one = new RedisChatStore(redis, `test:${randomUUID()}`);
      const two = new RedisChatStore(redis, `test:${randomUUID()}`);
      await one.append(msg(1));
      await one.setPinned('x');
      await one.addSanction(sanction('b', 'ban', 0));
      assert.deepEqual(await two.recent(10), []);
      assert.equal(await two.getPinned(), null);
      assert.deepEqual(await two.activeSanctions(iso(T0)), []);
      assert.equal(await two.purgeBefore(iso(T0 + 1000)), 0);
      assert.equal((await one.recent(10)).length, 1);
    });

    test('keys live under the prefix, and purge leaves no trace of a purged message', async () => {
      const redis = connect();
      const prefix = `test:${randomUUID()}`;
      const store = new RedisChatStore(redis, prefix);
      const m = msg(1);
      await store.append(m);
      await store.setPinned(m.id);
      assert.deepEqual((await redis.keys(`${prefix}:*`)).sort(), [`${prefix}:msg`, `${prefix}:pinned`, `${prefix}:timeline`, `${prefix}:visible`]);
      assert.equal(await store.purgeBefore(iso(T0 + 10)), 1);
      assert.deepEqual(await redis.keys(`${prefix}:*`), [`${prefix}:pinned`]);
    });

    test('close leaves the shared connection usable', async () => {
      const redis = connect();
      const store = new RedisChatStore(redis, `test:${randomUUID()}`);
      await store.close();
      assert.equal(await redis.ping(), 'PONG');
    });
  });
});
