import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import { MemoryBus } from '../../chat/bus/memory-bus.js';
import { RedisBus } from '../../chat/bus/redis-bus.js';
import { startRedis, type TestRedis } from '../../../../test/helpers/redis-server.js';
import { createLogger } from '../../log/logger.js';
import { Redactor } from '../../log/redactor.js';
import { openDatabase, type Db } from '../../storage/database.js';
import { AdminSessions } from '../admin-sessions.js';
import { SqliteAdminSessionStore } from '../admin-store/sqlite-admin-store.js';
import { endModeratorSockets } from './moderator-sockets.js';

const logger = createLogger('silent', new Redactor());

async function waitUntil(ready: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ready()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A gateway stand-in that records which admin sessions it was told to demote. */
const recorder = () => {
  const demoted: string[] = [];
  return { demoted, demote: (id: string) => void demoted.push(id) };
};

describe('signing out demotes the sockets of that admin session', () => {
  let dir: string;
  let db: Db;
  before(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'cdp-modsockets-'));
    db = openDatabase(dir);
  });
  after(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('on one machine: both endpoints are told, with the session id, not the token', async () => {
    const sessions = new AdminSessions(new SqliteAdminSessionStore(db), 3600_000);
    const bus = new MemoryBus();
    const ws = recorder();
    const legacy = recorder();
    endModeratorSockets(sessions, bus, [ws, legacy], logger);
    const s = await sessions.create();
    const id = (await sessions.validate(s.token))!.id;
    await sessions.destroy(s.token);
    await waitUntil(() => ws.demoted.length === 1);
    assert.deepEqual([ws.demoted, legacy.demoted], [[id], [id]]);
    assert.notEqual(id, s.token);
  });

  describe('with several instances on a real Redis', () => {
    let server: TestRedis;
    const clients: Redis[] = [];
    const buses: RedisBus[] = [];
    before(async () => {
      server = await startRedis();
    });
    after(async () => {
      for (const b of buses) await b.close();
      for (const c of clients) c.disconnect();
      await server.stop();
    });

    test('a sign-out on instance A reaches the gateways of instance B', async () => {
      const prefix = `test:${randomUUID()}`;
      const bus = async () => {
        const redis = new Redis(server.url, { maxRetriesPerRequest: 1 });
        clients.push(redis);
        const b = new RedisBus(redis, prefix);
        buses.push(b);
        await b.ready();
        return b;
      };
      const sessionsA = new AdminSessions(new SqliteAdminSessionStore(db), 3600_000);
      const sessionsB = new AdminSessions(new SqliteAdminSessionStore(db), 3600_000);
      const onA = recorder();
      const onB = recorder();
      endModeratorSockets(sessionsA, await bus(), [onA], logger);
      endModeratorSockets(sessionsB, await bus(), [onB], logger);
      const s = await sessionsA.create();
      const id = (await sessionsA.validate(s.token))!.id;
      await sessionsA.destroy(s.token);
      await waitUntil(() => onA.demoted.length === 1 && onB.demoted.length === 1);
      assert.deepEqual([onA.demoted, onB.demoted], [[id], [id]]);
    });
  });
});
