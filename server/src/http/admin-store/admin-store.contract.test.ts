import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import { startRedis, type TestRedis } from '../../../../test/helpers/redis-server.js';
import { openDatabase } from '../../storage/database.js';
import { AdminSessions } from '../admin-sessions.js';
import type { AdminSessionStore, SignInAttempts } from './admin-store.js';
import { RedisAdminSessionStore, RedisSignInAttempts } from './redis-admin-store.js';
import { MemorySignInAttempts, SqliteAdminSessionStore } from './sqlite-admin-store.js';

const HOUR = 3600_000;

/** Two instances' views of one medium (one database and process, or one Redis), with a shared clock. */
interface Medium {
  sessions(): AdminSessionStore;
  attempts(): SignInAttempts;
  cleanup(): Promise<void>;
}

/** The contract every admin store keeps; the instances share the medium as two service instances would. */
function contract(name: string, open: () => Promise<Medium>) {
  describe(name, () => {
    let medium: Medium;
    let now: number;
    let one: AdminSessions;
    let two: AdminSessions;
    beforeEach(async () => {
      medium = await open();
      now = Date.now();
      one = new AdminSessions(medium.sessions(), 12 * HOUR, () => now);
      two = new AdminSessions(medium.sessions(), 12 * HOUR, () => now);
    });
    afterEach(() => medium.cleanup());

    test('a sign-in on one instance holds on the other, with the same CSRF token', async () => {
      const s = await one.create();
      const seen = await two.validate(s.token);
      assert.equal(seen?.csrf, s.csrf);
      assert.equal(await two.active(seen.id), true);
    });

    test('a sign-out on one instance ends the session on the other; other sessions carry on', async () => {
      const phone = await one.create();
      const laptop = await one.create();
      const phoneId = (await one.validate(phone.token))!.id;
      await two.destroy(phone.token);
      assert.equal(await one.validate(phone.token), undefined);
      assert.equal(await one.active(phoneId), false);
      assert.ok(await one.validate(laptop.token));
    });

    test('a session expires everywhere at its time', async () => {
      const s = await one.create();
      now += 12 * HOUR - 1;
      assert.ok(await two.validate(s.token));
      now += 1;
      assert.equal(await one.validate(s.token), undefined);
      assert.equal(await two.validate(s.token), undefined);
    });

    test('made-up tokens and ids are refused', async () => {
      await one.create();
      for (const token of [undefined, '', 'x', 'a'.repeat(43), 'a'.repeat(10_000)]) assert.equal(await two.validate(token), undefined);
      assert.equal(await two.active('made-up'), false);
    });

    test('wrong passwords count across instances: five, then one more every 12 s', async () => {
      const a = medium.attempts();
      const b = medium.attempts();
      const key = `ip:${randomUUID()}`;
      assert.equal(await a.waitSeconds(key, now), 0);
      for (let i = 0; i < 3; i += 1) await a.failed(key, now);
      for (let i = 0; i < 2; i += 1) await b.failed(key, now);
      assert.equal(await a.waitSeconds(key, now), 12, 'the sixth attempt waits, whichever instance it reaches');
      assert.equal(await b.waitSeconds(key, now), 12);
      now += 12_000;
      assert.equal(await b.waitSeconds(key, now), 0, 'one more after 12 s');
      await a.failed(key, now);
      assert.ok((await b.waitSeconds(key, now)) > 0);
      assert.equal(await a.waitSeconds(`ip:${randomUUID()}`, now), 0, 'another address is not affected');
    });
  });
}

contract('SQLite sessions and memory attempts (one machine)', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cdp-admin-store-'));
  const db = openDatabase(dir);
  const attempts = new MemorySignInAttempts();
  return {
    sessions: () => new SqliteAdminSessionStore(db),
    // One process: the instances are the same process, so they share its memory.
    attempts: () => attempts,
    cleanup: async () => {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

describe('with a real redis-server', () => {
  let server: TestRedis;
  before(async () => {
    server = await startRedis();
  });
  after(() => server.stop());

  contract('Redis sessions and attempts (several instances)', async () => {
    const prefix = `cdp:test-${randomUUID()}`;
    const connections: Redis[] = [];
    const connect = () => {
      const redis = new Redis(server.url);
      connections.push(redis);
      return redis;
    };
    return {
      sessions: () => new RedisAdminSessionStore(connect(), prefix),
      attempts: () => new RedisSignInAttempts(connect(), prefix),
      cleanup: async () => {
        for (const r of connections) await r.quit();
      },
    };
  });

  test('a Redis session key holds no usable token and expires with the session', async () => {
    const redis = new Redis(server.url);
    try {
      const prefix = `cdp:test-${randomUUID()}`;
      const sessions = new AdminSessions(new RedisAdminSessionStore(redis, prefix), 2 * HOUR);
      const s = await sessions.create();
      const keys = await redis.keys(`${prefix}:admin-session:*`);
      assert.equal(keys.length, 1);
      assert.ok(!keys[0]!.includes(s.token) && !(await redis.get(keys[0]!))!.includes(s.token), 'only the hash is stored');
      const ttl = await redis.pttl(keys[0]!);
      assert.ok(ttl > HOUR && ttl <= 2 * HOUR, `ttl ${ttl}`);
    } finally {
      await redis.quit();
    }
  });
});
