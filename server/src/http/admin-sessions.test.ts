import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { openDatabase, type Db } from '../storage/database.js';
import { AdminSessions } from './admin-sessions.js';
import { SqliteAdminSessionStore } from './admin-store/sqlite-admin-store.js';

const HOUR = 3600_000;
let dir: string;
let db: Db;
let now: number;
let sessions: AdminSessions;

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'cdp-admin-sessions-'));
  db = openDatabase(dir);
  now = Date.parse('2026-11-29T14:00:00.000Z');
  sessions = new AdminSessions(new SqliteAdminSessionStore(db, () => now), 12 * HOUR, () => now);
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('admin sessions', () => {
  test('a session works until it expires, and not a moment after', async () => {
    const s = await sessions.create();
    assert.equal(s.expiresAt, '2026-11-30T02:00:00.000Z');
    assert.equal((await sessions.validate(s.token))?.csrf, s.csrf);
    now += 12 * HOUR - 1;
    assert.equal((await sessions.validate(s.token))?.csrf, s.csrf);
    now += 1;
    assert.equal(await sessions.validate(s.token), undefined, 'expired: the pastor signs in again');
  });

  test('signing out ends the session; other sessions carry on', async () => {
    const phone = await sessions.create();
    const laptop = await sessions.create();
    await sessions.destroy(phone.token);
    assert.equal(await sessions.validate(phone.token), undefined);
    assert.ok(await sessions.validate(laptop.token));
  });

  test('tokens are random, stored only hashed, and expired sessions are purged', async () => {
    const a = await sessions.create();
    const b = await sessions.create();
    assert.notEqual(a.token, b.token);
    assert.ok(a.token.length >= 40, 'at least 32 random bytes');
    const rows = db.prepare('SELECT * FROM admin_sessions').all() as Record<string, unknown>[];
    assert.equal(rows.length, 2);
    assert.ok(!JSON.stringify(rows).includes(a.token), 'the database never holds a usable token');

    now += 13 * HOUR;
    await sessions.create();
    assert.equal((db.prepare('SELECT COUNT(*) AS n FROM admin_sessions').get() as { n: number }).n, 1, 'only the new session is left');
  });

  test("a session's id tells sockets whether it still holds, through sign-out and expiry, and is not its token", async () => {
    const phone = await sessions.create();
    const laptop = await sessions.create();
    const ended: string[] = [];
    sessions.onEnd((id) => ended.push(id));
    const phoneId = (await sessions.validate(phone.token))!.id;
    const laptopId = (await sessions.validate(laptop.token))!.id;
    assert.notEqual(phoneId, phone.token);
    assert.ok(!phoneId.includes(phone.token) && !phone.token.includes(phoneId));
    assert.ok((await sessions.active(phoneId)) && (await sessions.active(laptopId)));
    await sessions.destroy(phone.token);
    assert.deepEqual(ended, [phoneId], 'sign-out is announced with the id');
    assert.equal(await sessions.active(phoneId), false);
    assert.equal(await sessions.active(laptopId), true);
    now += 12 * HOUR;
    assert.equal(await sessions.active(laptopId), false, 'expired');
    assert.equal(await sessions.active('made-up'), false);
  });

  test('made-up, empty and oversized tokens are refused', async () => {
    await sessions.create();
    for (const token of [undefined, '', 'x', 'a'.repeat(43), 'a'.repeat(10_000)]) assert.equal(await sessions.validate(token), undefined, String(token).slice(0, 10));
  });
});
