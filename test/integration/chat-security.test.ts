import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { cleanupService, ensureBuilt, sleep, startService, waitFor, type ServiceHandle } from '../helpers/platform.js';
import { adminCall, adminLogin, connect, type TestSocket } from '../helpers/ws-client.js';

const PASSWORD = 'clave-seguridad-chat';
const MAX_SOCKETS = 12;
const IP_BURST = 20;

describe('chat security with the real service: sessions, socket cap, join notices', { timeout: 180_000 }, () => {
  let svc: ServiceHandle;
  let ws: string;
  let legacyUrl: string;
  let sockets: TestSocket[] = [];
  const open = async (url: string, cookie?: string) => {
    const s = await connect(url, { cookie });
    sockets.push(s);
    return s;
  };
  const closeAll = async () => {
    for (const s of sockets) s.close();
    sockets = [];
    await sleep(300);
  };
  let seq = 0;
  const say = async (s: TestSocket, text: string) => {
    const clientId = `s${++seq}`;
    s.send({ type: 'chat', text, clientId });
    return s.next((m) => m.clientId === clientId && (m.type === 'ack' || m.type === 'error'), `answer to ${clientId}`);
  };

  before(async () => {
    ensureBuilt();
    const dir = mkdtempSync(path.join(os.tmpdir(), 'cdp-chatsec-'));
    const config = path.join(dir, 'config.json');
    writeFileSync(config, JSON.stringify({ chat: { maxSocketsPerIp: MAX_SOCKETS, ipRatePerSecond: 5, ipBurst: IP_BURST } }));
    svc = await startService({ ADMIN_PASSWORD: PASSWORD, CONFIG_FILE: config });
    ws = `ws://127.0.0.1:${svc.httpPort}/ws`;
    legacyUrl = `ws://127.0.0.1:${svc.httpPort}/v1/websocket`;
  });
  after(async () => {
    await closeAll();
    await cleanupService(svc);
  });

  test("after the admin signs out, a socket opened while signed in is a viewer's: its link is refused and its reserved name dropped", async () => {
    const admin = await adminLogin(svc.base, PASSWORD);
    const mod = await open(ws, admin.cookie);
    assert.equal((await mod.next((m) => m.type === 'chat-settings', 'settings')).role, 'moderator');
    mod.send({ type: 'hello', nick: 'Pastor' });
    assert.equal((await mod.next((m) => m.type === 'welcome', 'welcome')).role, 'moderator');
    const before = await say(mod, 'Visiten https://iglesia.example/culto');
    assert.equal(before.type, 'ack', 'a moderator may post links');
    const legacyMod = await open(legacyUrl, admin.cookie);

    assert.equal((await adminCall(svc.base, admin, 'POST', '/api/v1/admin/logout')).status, 200);
    const told = await mod.next((m) => m.type === 'chat-settings' && m.role === 'viewer', 'told it is a viewer now');
    assert.equal(told.role, 'viewer');
    assert.equal((await mod.next((m) => m.type === 'error' && m.code === 'nick_reserved', 'reserved name dropped')).code, 'nick_reserved');
    const noName = await say(mod, 'Visiten https://evil.example');
    assert.equal(noName.code, 'no_nick', 'the name "Pastor" went with the role');
    mod.send({ type: 'hello', nick: 'Pastor' });
    await waitFor('the reserved name refused to the viewer it now is', () => mod.messages.filter((m) => m.type === 'error' && m.code === 'nick_reserved').length === 2, 5000);
    mod.send({ type: 'hello', nick: 'Juan' });
    assert.equal((await mod.next((m) => m.type === 'welcome' && m.nick === 'Juan', 'welcome as viewer')).role, 'viewer');
    const after = await say(mod, 'Visiten https://evil.example');
    assert.deepEqual([after.type, after.code], ['error', 'link_not_allowed']);

    legacyMod.send({ action: 'chat-message', data: { message: 'Visiten https://evil.example', username: 'Juana' } });
    assert.equal((await legacyMod.next((m) => m.action === 'error', 'legacy refused')).data.code, 'link_not_allowed', 'the legacy socket too');
    await closeAll();
  });

  test('one cap per address across /ws and /v1/websocket', async () => {
    const half = MAX_SOCKETS / 2;
    for (let i = 0; i < half; i++) await open(ws);
    for (let i = 0; i < half; i++) await open(legacyUrl);
    const extraNew = await open(ws);
    assert.equal((await extraNew.next((m) => m.type === 'error', 'refused on /ws')).code, 'too_many_connections');
    const extraLegacy = await open(legacyUrl);
    assert.equal((await extraLegacy.next((m) => m.action === 'error', 'refused on legacy')).data.code, 'too_many_connections');
    await sleep(200);
    assert.equal(extraNew.closed?.code, 1008);
    assert.equal(extraLegacy.closed?.code, 1008);
    await closeAll();
  });

  test("legacy join notices from ten sockets share the address's limit and the filters of messages", async () => {
    await sleep(IP_BURST / 5 * 1000); // the address's bucket full again
    const watcher = await open(legacyUrl);
    const legacies = await Promise.all(Array.from({ length: 10 }, () => open(legacyUrl)));
    for (const [i, s] of legacies.entries()) {
      for (let k = 0; k < 5; k++) s.send({ action: 'chat-message', data: { message: '', username: `Hermano ${i} ${'x'.repeat(k)}`, identify: true } });
    }
    await sleep(1000);
    const notices = watcher.messages.filter((m) => m.action === 'chat-message' && m.data.identify === true);
    assert.ok(notices.length <= IP_BURST + 5, `${notices.length} notices in about a second, from 50 asked`);
    assert.ok(notices.length >= 10, 'notices still get through');
    await closeAll();
  });

  test('a join notice whose name carries a link or a filtered word is refused like a message', async () => {
    await sleep(IP_BURST / 5 * 1000);
    const admin = await adminLogin(svc.base, PASSWORD);
    assert.equal((await adminCall(svc.base, admin, 'PUT', '/api/v1/admin/chat/settings', { wordFilter: ['tonto'] })).status, 200);
    const watcher = await open(ws);
    const legacy = await open(legacyUrl);
    legacy.send({ action: 'chat-message', data: { message: '', username: 'evil。com', identify: true } });
    assert.equal((await legacy.next((m) => m.action === 'error', 'link refused')).data.code, 'link_not_allowed');
    legacy.send({ action: 'chat-message', data: { message: '', username: 'Tonto Pérez', identify: true } });
    assert.equal((await legacy.next((m) => m.action === 'error' && m.data.code === 'word_filtered', 'word refused')).data.code, 'word_filtered');
    legacy.send({ action: 'chat-message', data: { message: '', username: 'Rebeca', identify: true } });
    const join = await watcher.next((m) => m.type === 'join', 'the control notice reaches /ws as join');
    assert.deepEqual(Object.keys(join).sort(), ['at', 'nick', 'type']);
    assert.equal(join.nick, 'Rebeca');
    assert.ok(!watcher.messages.some((m) => m.type === 'join' && m.nick !== 'Rebeca'), 'the refused names were never announced');
    await adminCall(svc.base, admin, 'PUT', '/api/v1/admin/chat/settings', { wordFilter: [] });
    await closeAll();
  });
});
