import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { createLogger } from '../log/logger.js';
import { Redactor } from '../log/redactor.js';
import { openDatabase, type Db } from '../storage/database.js';
import type { ChatEvent } from './bus/chat-bus.js';
import { MemoryBus } from './bus/memory-bus.js';
import { ChatService, JOIN_REPEAT_MS, NOTICE_BURST, type ChatLimits } from './chat-service.js';
import { SqliteChatStore } from './store/sqlite-chat-store.js';

const LIMITS: ChatLimits = {
  historySize: 100,
  ratePerSecond: 1,
  burst: 5,
  ipRatePerSecond: 5,
  ipBurst: 20,
  duplicateWindowSeconds: 30,
  reservedNicks: ['admin', 'moderador', 'moderator', 'pastor', 'sistema', 'system', 'casa del padre', 'iglesia'],
};

let dir: string;
let db: Db;
let now: number;
let chat: ChatService;
let joins: Extract<ChatEvent, { kind: 'join' }>[];

beforeEach(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'cdp-chat-service-'));
  db = openDatabase(dir);
  now = Date.parse('2026-11-29T14:00:00.000Z');
  const bus = new MemoryBus();
  chat = new ChatService(new SqliteChatStore(db), bus, LIMITS, createLogger('silent', new Redactor()), () => now);
  await chat.start();
  joins = [];
  chat.onEvent((e) => e.kind === 'join' && joins.push(e));
});
afterEach(async () => {
  await chat.stop();
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

let n = 0;
const viewer = (ip = 'ip-1') => chat.participant(`c${++n}`, `s${n}`, ip, 'viewer');

describe('reserved names', () => {
  test('look-alike spellings of a reserved name are refused to viewers and allowed to moderators', async () => {
    for (const nick of ['Pаstor', 'Μoderator', 'ѕystem', 'Casa dеl Padre', 'ᴍoderador', 'Moderad0r', 'Pastor Juan', 'ADMIN', 'SISTEMA', 'ІGLESIA']) {
      const r = await chat.hello(viewer(), nick);
      assert.equal(r.ok ? 'accepted' : r.code, 'nick_reserved', nick);
      assert.ok((await chat.hello(chat.participant('m', 'sm', 'ip-m', 'moderator'), nick)).ok, `a moderator may be ${nick}`);
    }
  });

  test('a name made of Hangul fillers or other invisible characters is blank, so invalid', async () => {
    for (const nick of ['ㅤㅤ', '\u3164\u3164\u3164', '\u115f\u1160', '\uffa0\uffa0', '\u2800\u2800\u2800', 'ㅤ\u200bㅤ']) {
      const r = await chat.hello(viewer(), nick);
      assert.equal(r.ok ? 'accepted' : r.code, 'nick_invalid', JSON.stringify(nick));
    }
  });

  test('everyday names are still accepted', async () => {
    for (const nick of ['José Avello', 'María', 'Hno. Pedro', 'Ruth 2024']) assert.ok((await chat.hello(viewer(), nick)).ok, nick);
  });
});

describe('join notices', () => {
  test('ten sockets from one address share its limit: fifty attempts in one second give at most its burst', async () => {
    const sockets = Array.from({ length: 10 }, () => viewer('church-wifi'));
    let accepted = 0;
    for (const p of sockets) for (let i = 0; i < 5; i++) if ((await chat.joinNotice(p, `Hermano ${p.connId} ${'x'.repeat(i)}`)).ok) accepted++;
    assert.equal(joins.length, LIMITS.ipBurst);
    assert.equal(accepted, LIMITS.ipBurst);
  });

  test("notices spend the address's tokens like messages, so a flood of them leaves that address rate-limited", async () => {
    for (let i = 0; i < LIMITS.ipBurst / 2; i++) {
      const p = viewer('ip-shared');
      assert.ok((await chat.joinNotice(p, 'Ana')).ok && (await chat.joinNotice(p, 'Ana B')).ok);
    }
    const other = viewer('ip-shared');
    await chat.hello(other, 'Carla');
    const r = await chat.send(other, 'hola');
    assert.equal(r.ok ? 'accepted' : r.code, 'rate_limited');
    assert.ok((await chat.send(Object.assign(viewer('ip-elsewhere'), { nick: 'Dora' }), 'hola')).ok, 'another address is free');
  });

  test("one socket changing its name over and over gets a few notices, and they do not cost its first messages", async () => {
    const p = viewer();
    for (let i = 0; i < 10; i++) await chat.joinNotice(p, `Nombre ${'z'.repeat(i)}`);
    assert.equal(joins.length, NOTICE_BURST);
    for (let i = 0; i < LIMITS.burst; i++) assert.ok((await chat.send(p, `mensaje ${i}`)).ok, `message ${i}`);
  });

  test('a name with a link or a filtered word is not announced', async () => {
    await chat.updateSettings({ wordFilter: ['tonto'] });
    for (const [nick, code] of [['evil。com', 'link_not_allowed'], ['spam . com', 'link_not_allowed'], ['Tonto Pérez', 'word_filtered']] as const) {
      const r = await chat.joinNotice(viewer(), nick);
      assert.equal(r.ok ? 'announced' : r.code, code, nick);
    }
    assert.equal(joins.length, 0);
  });

  test('a session announces one name once; a new name is announced again; after a while the same name too', async () => {
    const p = viewer();
    await chat.joinNotice(p, 'José Avello');
    await chat.joinNotice(p, 'José Avello');
    assert.deepEqual(joins.map((j) => j.nick), ['José Avello']);
    await chat.hello(p, 'José A.');
    assert.equal((await chat.announce(p)).ok, true);
    assert.deepEqual(joins.map((j) => j.nick), ['José Avello', 'José A.']);
    now += JOIN_REPEAT_MS + 1;
    await chat.joinNotice(p, 'José A.');
    assert.equal(joins.length, 3);
  });

  test('with notices switched off none is published, and the name is still taken', async () => {
    await chat.updateSettings({ joinNotices: false });
    const p = viewer();
    const r = await chat.joinNotice(p, 'Raquel');
    assert.ok(r.ok);
    assert.equal(p.nick, 'Raquel');
    assert.equal(joins.length, 0);
  });

  test('a banned viewer is not announced', async () => {
    const p = viewer('ip-ban');
    await chat.hello(p, 'Troll');
    const m = await chat.send(p, 'spam');
    assert.ok(m.ok);
    await chat.sanction(m.value.id, undefined);
    const r = await chat.announce(p);
    assert.equal(r.ok ? 'announced' : r.code, 'banned');
    assert.equal(joins.length, 0);
  });
});

describe('demotion', () => {
  test('a demoted moderator writes as a viewer: links refused, and a reserved name it held must be chosen again', async () => {
    const p = chat.participant('m1', 'sm1', 'ip-m1', 'moderator');
    assert.ok((await chat.hello(p, 'Pastor')).ok);
    assert.ok((await chat.send(p, 'visiten https://iglesia.example')).ok, 'as moderator');
    assert.equal(chat.demote(p), true, 'the reserved name is dropped');
    assert.equal(p.role, 'viewer');
    const noNick = await chat.send(p, 'sigo aquí');
    assert.equal(noNick.ok ? 'accepted' : noNick.code, 'no_nick');
    assert.equal((await chat.hello(p, 'Pastor')).ok, false);
    assert.ok((await chat.hello(p, 'Juan')).ok);
    const link = await chat.send(p, 'visiten https://evil.example');
    assert.equal(link.ok ? 'accepted' : link.code, 'link_not_allowed');
  });
});

describe("a sender's own rate limit", () => {
  test('an honest sender whose frames a busy server handles late, all at once, is not rate-limited', async () => {
    const p = viewer('ip-honest');
    assert.ok((await chat.hello(p, 'Honesta')).ok);
    const t0 = now;
    // One frame a second for ten seconds (the shipped limit is 1/s, burst 5); the server reads them only at t0 + 10 s.
    now = t0 + 10_000;
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => chat.send(p, `mensaje número ${i}`, undefined, t0 + i * 1000)));
    assert.deepEqual(results.map((r) => (r.ok ? 'accepted' : r.code)), Array(10).fill('accepted'));
  });

  test("other senders' traffic costs a socket nothing; its own flood is still refused", async () => {
    const p = viewer('ip-own');
    assert.ok((await chat.hello(p, 'Propia')).ok);
    for (let i = 0; i < 30; i++) {
      const other = viewer(`ip-other-${i}`);
      assert.ok((await chat.hello(other, `Otro ${i}`)).ok);
      assert.ok((await chat.send(other, `hola ${i}`, undefined, now)).ok);
    }
    const flood = [];
    for (let i = 0; i < 8; i++) flood.push(await chat.send(p, `rápido ${i}`, undefined, now));
    assert.deepEqual(flood.map((r) => (r.ok ? 'accepted' : r.code)), [...Array(LIMITS.burst).fill('accepted'), ...Array(8 - LIMITS.burst).fill('rate_limited')]);
  });
});
