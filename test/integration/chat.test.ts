import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { cleanupService, ensureBuilt, sleep, startService, waitFor, type ServiceHandle } from '../helpers/platform.js';
import { adminCall, adminLogin, connect, type TestSocket } from '../helpers/ws-client.js';

const PASSWORD = 'clave-de-prueba-admin';

describe('live chat on the websocket, new and legacy clients', { timeout: 240_000 }, () => {
  let svc: ServiceHandle;
  let ws: string;
  let legacyUrl: string;
  const sockets: TestSocket[] = [];
  const open = async (url: string, cookie?: string) => {
    const s = await connect(url, { cookie });
    sockets.push(s);
    return s;
  };
  const joined = async (nick: string, cookie?: string) => {
    const s = await open(ws, cookie);
    await s.next((m) => m.type === 'history', 'history on join');
    s.send({ type: 'hello', nick });
    await s.next((m) => m.type === 'welcome', `welcome for ${nick}`);
    return s;
  };
  let admin: { cookie: string; csrf: string };
  let seq = 0;
  const say = async (s: TestSocket, text: string) => {
    const clientId = `c${++seq}`;
    s.send({ type: 'chat', text, clientId });
    return s.next((m) => m.clientId === clientId && (m.type === 'ack' || m.type === 'error'), `answer to ${clientId}`);
  };

  before(async () => {
    ensureBuilt();
    // Loopback is one address for every test client: give the per-address bucket room.
    const dir = mkdtempSync(path.join(os.tmpdir(), 'cdp-chatcfg-'));
    const config = path.join(dir, 'config.json');
    writeFileSync(config, JSON.stringify({ chat: { ipRatePerSecond: 100, ipBurst: 500 } }));
    svc = await startService({ ADMIN_PASSWORD: PASSWORD, CONFIG_FILE: config });
    ws = `ws://127.0.0.1:${svc.httpPort}/ws`;
    legacyUrl = `ws://127.0.0.1:${svc.httpPort}/v1/websocket`;
  });
  after(async () => {
    for (const s of sockets) s.close();
    await cleanupService(svc);
  });

  test('a message typed by one viewer reaches the others, acknowledged with its id', async () => {
    const ana = await joined('Ana');
    const beto = await joined('Beto');
    const ack = await say(ana, 'Bendiciones a todos');
    assert.equal(ack.type, 'ack');
    const got = await beto.next((m) => m.type === 'chat' && m.message.id === ack.id, 'the message at Beto');
    assert.deepEqual({ nick: got.message.nick, text: got.message.text, role: got.message.role }, { nick: 'Ana', text: 'Bendiciones a todos', role: 'viewer' });
    assert.ok(!('sessionId' in got.message) && !('ipHash' in got.message), 'who sent it from where is not published');
    const late = await open(ws);
    const history = await late.next((m) => m.type === 'history', 'history');
    assert.ok(history.messages.some((m: any) => m.id === ack.id), 'a late joiner gets it in history');
  });

  test('nicknames: trimmed and normalised, control and zero-width characters stripped, length and reserved names checked', async () => {
    const s = await open(ws);
    s.send({ type: 'hello', nick: '  Ma\u200Bría\u0007  ' });
    const w = await s.next((m) => m.type === 'welcome' || m.type === 'error', 'answer');
    assert.equal(w.nick, 'María');
    s.send({ type: 'hello', nick: 'x' });
    assert.equal((await s.next((m) => m.type === 'error', 'too short')).code, 'nick_invalid');
    s.send({ type: 'hello', nick: 'Ｍｏｄｅｒａｄｏｒ' });
    assert.equal((await s.next((m) => m.type === 'error' && m.code !== 'nick_invalid', 'reserved')).code, 'nick_reserved');
    const anon = await open(ws);
    anon.send({ type: 'chat', text: 'hola', clientId: 'x1' });
    assert.equal((await anon.next((m) => m.type === 'error', 'no nick')).code, 'no_nick');
  });

  test('limits: burst then rate limit, duplicates, links, length — with Spanish messages', async () => {
    const s = await joined('Carla');
    assert.equal((await say(s, 'x'.repeat(501))).code, 'too_long');
    assert.equal((await say(s, 'visiten www.ejemplo.com')).code, 'link_not_allowed');
    const first = await say(s, 'Amén');
    assert.equal(first.type, 'ack');
    const dup = await say(s, 'amén');
    assert.equal(dup.code, 'duplicate');
    const answers = [];
    for (let i = 0; i < 6; i++) answers.push(await say(s, `mensaje ${i}`));
    const limited = answers.find((a) => a.type === 'error');
    assert.ok(limited, 'a burst past five is limited');
    assert.equal(limited.code, 'rate_limited');
    assert.match(limited.message, /Está escribiendo muy rápido/);
  });

  test('hostile frames get an error or a close, never a crash, and never touch other sockets', async () => {
    const victim = await joined('Daniel');
    const bad = await open(ws);
    bad.sendRaw('{not json');
    assert.equal((await bad.next((m) => m.type === 'error', 'bad json')).code, 'bad_json');
    bad.send({ type: 'nada' });
    assert.equal((await bad.next((m) => m.code === 'unknown_type', 'unknown')).code, 'unknown_type');
    bad.send({ type: 'chat', text: 12 });
    assert.equal((await bad.next((m) => m.code === 'invalid', 'invalid')).code, 'invalid');
    bad.send([1, 2, 3]);
    await bad.next((m) => m.code === 'bad_message', 'array frame');
    const big = await open(ws);
    big.sendRaw('x'.repeat(20_000));
    const bigClose = await waitFor('oversize close', () => big.closed ?? undefined, 5000);
    assert.equal(bigClose.code, 1009);
    const bin = await open(ws);
    bin.sendRaw(Buffer.from([1, 2, 3]), true);
    const binClose = await waitFor('binary close', () => bin.closed ?? undefined, 5000);
    assert.equal(binClose.code, 1003);
    const friend = await joined('Elena');
    const ack = await say(friend, 'sigo aquí');
    await victim.next((m) => m.type === 'chat' && m.message.id === ack.id, 'other sockets still served');
    assert.equal(victim.closed, null);
    assert.equal((await fetch(`${svc.base}/healthz`)).status, 200);
  });

  test('text is stored and sent as text: script, img-onerror, RTL override and long unbroken payloads', async () => {
    const s = await joined('Fede');
    const watcher = await joined('Gabi');
    const payloads = ['<script>alert(1)</script>', '<img src=x onerror=alert(1)>', 'abc\u202Edcba', 'A'.repeat(500)];
    const expected = ['<script>alert(1)</script>', '<img src=x onerror=alert(1)>', 'abcdcba', 'A'.repeat(500)];
    for (let i = 0; i < payloads.length; i++) {
      await sleep(1100);
      const ack = await say(s, payloads[i]!);
      assert.equal(ack.type, 'ack', JSON.stringify(ack));
      const m = await watcher.next((x) => x.type === 'chat' && x.message.id === ack.id, 'delivered');
      assert.equal(m.message.text, expected[i], 'delivered verbatim as text (bidi overrides stripped)');
    }
  });

  test('the legacy frontend and the new one see each other, with the same rules', async () => {
    const nuevo = await joined('Hilda');
    const legacy = await open(legacyUrl);
    legacy.send({ action: 'chat-message', data: { message: 'Hola desde la app antigua', username: 'Iván', sendedAt: Date.now(), sendedBy: 'ivan-123', evil: '<x>' } });
    const atNew = await nuevo.next((m) => m.type === 'chat' && m.message.text === 'Hola desde la app antigua', 'legacy → new');
    assert.equal(atNew.message.nick, 'Iván');
    const echo = await legacy.next((m) => m.action === 'chat-message' && m.data.message === 'Hola desde la app antigua', 'echo to legacy');
    assert.equal(echo.data.username, 'Iván');
    assert.equal(echo.data.sendedBy, 'ivan-123');
    assert.equal(typeof echo.data.sendedAt, 'number');
    assert.ok(Math.abs(echo.data.sendedAt - Date.parse(atNew.message.at)) < 1, 'epoch milliseconds of the same message');
    assert.ok(!('evil' in echo.data), 'unknown client fields are dropped');
    const ack = await say(nuevo, 'Y esta es la nueva');
    const atLegacy = await legacy.next((m) => m.action === 'chat-message' && m.data.id === ack.id, 'new → legacy');
    assert.equal(atLegacy.data.message, 'Y esta es la nueva');
    assert.equal(atLegacy.data.username, 'Hilda');

    legacy.send({ action: 'chat-message', data: { message: '', username: 'Iván', identify: true } });
    const notice = await legacy.next((m) => m.action === 'chat-message' && m.data.identify === true, 'join notice');
    assert.equal(notice.data.username, 'Iván');
    legacy.send({ action: 'chat-message', data: { message: 'x'.repeat(600), username: 'Iván' } });
    assert.equal((await legacy.next((m) => m.action === 'error', 'legacy limit')).data.code, 'too_long');
    legacy.send({ action: 'chat-message', data: { message: 'hola', username: 'Admin' } });
    assert.equal((await legacy.next((m) => m.action === 'error' && m.data.code === 'nick_reserved', 'reserved')).data.code, 'nick_reserved');

    const r = (await (await fetch(`${svc.base}/v1/streaming`)).json()) as any;
    assert.equal(r.online, false);
    assert.deepEqual(Object.keys(r.streams).sort(), ['240p', '480p', '720p']);
    assert.match(r.streams['240p'], /\/video\/envivo_low\/index\.m3u8$/, 'the low URL points to _low (the seed pointed it to _mid)');
    assert.ok(r.chat.some((m: any) => m.message === 'Hola desde la app antigua' && m.username === 'Iván'));
    assert.ok(!r.chat.some((m: any) => m.identify), 'join notices are not history');
    assert.equal(typeof r.viewers, 'number');
    const online = (await (await fetch(`${svc.base}/v1/streaming/online`)).json()) as any;
    assert.deepEqual(Object.keys(online).sort(), ['online', 'stream_url']);
    assert.match(online.stream_url, /\/video\/envivo\.m3u8$/);
  });

  test('viewer count: one per browser session, shared with legacy clients, pushed at most every 2 s', async () => {
    const first = await open(ws);
    await first.next((m) => m.type === 'viewers', 'viewers');
    const cookie = first.cookie!;
    assert.ok(cookie?.startsWith('cdp_sid='), 'a signed session cookie is set on the upgrade');
    const before = await waitFor('stable count', async () => {
      const a = (await (await fetch(`${svc.base}/v1/streaming`)).json()) as any;
      await sleep(2200);
      const b = (await (await fetch(`${svc.base}/v1/streaming`)).json()) as any;
      return a.viewers === b.viewers ? b.viewers : undefined;
    }, 20_000);
    const sameBrowser = [await open(ws, cookie), await open(ws, cookie), await open(legacyUrl, cookie)];
    await sleep(4500);
    const same = ((await (await fetch(`${svc.base}/v1/streaming`)).json()) as any).viewers;
    assert.equal(same, before, 'more tabs of the same browser do not count again');
    const other = await open(ws);
    const pushed = await other.next((m) => m.type === 'viewers' && m.count === before + 1, 'a new browser counts once', 6000);
    assert.equal(pushed.count, before + 1);
    const legacy = sameBrowser[2]!;
    await legacy.next((m) => m.action === 'viewers-refresh' && m.data.viewers === before + 1, 'legacy viewers-refresh', 6000);
  });

  test('moderation needs a real login, CSRF token and rate-limited attempts', async () => {
    const wrong = await fetch(`${svc.base}/api/v1/admin/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ password: 'no' }) });
    assert.equal(wrong.status, 401);
    admin = await adminLogin(svc.base, PASSWORD);
    assert.match(admin.cookie, /^cdp_admin=/);
    const noCsrf = await fetch(`${svc.base}/api/v1/admin/chat/clear`, { method: 'POST', headers: { cookie: admin.cookie } });
    assert.equal(noCsrf.status, 403);
    const anon = await fetch(`${svc.base}/api/v1/admin/chat/messages`);
    assert.equal(anon.status, 401);
    const statuses = [];
    for (let i = 0; i < 6; i++) {
      const r = await fetch(`${svc.base}/api/v1/admin/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ password: `x${i}` }) });
      statuses.push(r.status);
    }
    assert.deepEqual(statuses, [401, 401, 401, 401, 429, 429], 'five failed attempts, then refused without checking');
    const meanwhile = await adminCall(svc.base, admin, 'GET', '/api/v1/admin/chat/settings');
    assert.equal(meanwhile.status, 200, 'a signed-in session keeps working');
  });

  test('delete, time out, ban, slow mode, word filter, pin, clear and export', async () => {
    const viewer = await joined('Jaime');
    const watcher = await joined('Karen');
    const bad = await say(viewer, 'mensaje ofensivo');
    assert.equal(bad.type, 'ack', JSON.stringify(bad));

    assert.equal((await adminCall(svc.base, admin, 'DELETE', `/api/v1/admin/chat/messages/${bad.id}`)).status, 200);
    await watcher.next((m) => m.type === 'deleted' && m.id === bad.id, 'deleted reaches clients');
    const hist = (await (await fetch(`${svc.base}/v1/streaming`)).json()) as any;
    assert.ok(!hist.chat.some((m: any) => m.id === bad.id), 'and leaves history');

    await sleep(1100);
    const second = await say(viewer, 'otra vez');
    const to = await adminCall(svc.base, admin, 'POST', '/api/v1/admin/chat/sanctions', { messageId: second.id, minutes: 5 });
    assert.equal(to.status, 200);
    assert.equal(to.json.kind, 'timeout');
    await sleep(1100);
    const blocked = await say(viewer, 'sigo hablando');
    assert.equal(blocked.code, 'timed_out');
    // The time-out follows the browser (cookie), not the socket.
    const sameBrowser = await joined('Jaime2', viewer.cookie);
    assert.equal((await say(sameBrowser, 'desde otra pestaña')).code, 'timed_out');
    assert.equal((await adminCall(svc.base, admin, 'DELETE', `/api/v1/admin/chat/sanctions/${to.json.id}`)).status, 200);
    await sleep(1100);
    const free = await say(viewer, 'ya puedo');
    assert.equal(free.type, 'ack');
    const other = await joined('Luis');
    assert.equal((await adminCall(svc.base, admin, 'PUT', '/api/v1/admin/chat/settings', { slowModeSeconds: 30, wordFilter: ['tonto'] })).status, 200);
    await sleep(200);
    assert.equal((await say(other, 'primer mensaje')).type, 'ack');
    assert.equal((await say(other, 'segundo mensaje')).code, 'slow_mode');
    assert.equal((await adminCall(svc.base, admin, 'PUT', '/api/v1/admin/chat/settings', { slowModeSeconds: 0 })).status, 200);
    await sleep(200);
    assert.equal((await say(other, 'eres un TONTO')).code, 'word_filtered');
    const bad400 = await adminCall(svc.base, admin, 'PUT', '/api/v1/admin/chat/settings', { slowModeSeconds: -3 });
    assert.equal(bad400.status, 400);
    assert.match(bad400.json.message, /slowModeSeconds/);

    await sleep(1100);
    const pinme = await say(other, 'Versículo del día: Juan 3:16');
    assert.equal((await adminCall(svc.base, admin, 'PUT', '/api/v1/admin/chat/pin', { messageId: pinme.id })).status, 200);
    const pinned = await watcher.next((m) => m.type === 'pinned' && m.message?.id === pinme.id, 'pinned');
    assert.equal(pinned.message.text, 'Versículo del día: Juan 3:16');

    const json = await adminCall(svc.base, admin, 'GET', '/api/v1/admin/chat/export?format=json');
    assert.equal(json.status, 200);
    assert.ok(json.json.messages.some((m: any) => m.id === bad.id && m.deleted === true), 'exports keep deleted messages, flagged');
    const csv = await adminCall(svc.base, admin, 'GET', '/api/v1/admin/chat/export?format=csv');
    assert.match(csv.headers.get('content-type') ?? '', /text\/csv/);
    assert.ok(csv.text.startsWith('Fecha;Hora;Nombre;Rol;Mensaje;Eliminado;ID\r\n'), csv.text.slice(0, 80));
    assert.doesNotMatch(csv.headers.get('content-disposition') ?? '', /1970/, 'named after the dates it covers');
    const raw = new Uint8Array(await (await fetch(`${svc.base}/api/v1/admin/chat/export?format=csv`, { headers: { cookie: admin.cookie } })).arrayBuffer());
    assert.deepEqual([...raw.slice(0, 3)], [0xef, 0xbb, 0xbf], 'a BOM, so spreadsheet apps read the accents right');
    assert.ok(csv.text.includes('"Versículo del día: Juan 3:16"') || csv.text.includes('Versículo del día: Juan 3:16'));

    // The moderator chose to block the address too (for 30 min): it is explicit, never the default.
    const ban = await adminCall(svc.base, admin, 'POST', '/api/v1/admin/chat/sanctions', { messageId: free.id, addressMinutes: 30 });
    assert.equal(ban.json.kind, 'ban');
    await sleep(1100);
    assert.equal((await say(viewer, '¿y ahora?')).code, 'banned');
    // With that choice, clearing cookies does not get around it: a new session from the same address is refused too.
    assert.equal((await say(await joined('Jaime3'), 'soy otro')).code, 'banned');
    // Someone who was already chatting from the same address (the church's Wi-Fi) is not silenced.
    await sleep(1100);
    assert.equal((await say(other, 'yo sigo')).type, 'ack');
    assert.equal((await adminCall(svc.base, admin, 'DELETE', `/api/v1/admin/chat/sanctions/${ban.json.id}`)).status, 200);
    await sleep(1100);
    assert.equal((await say(viewer, 'gracias por levantar el bloqueo')).type, 'ack');

    assert.equal((await adminCall(svc.base, admin, 'POST', '/api/v1/admin/chat/clear')).status, 200);
    await watcher.next((m) => m.type === 'chat-cleared', 'cleared');
    const fresh = await open(ws);
    const h = await fresh.next((m) => m.type === 'history', 'history');
    assert.deepEqual(h.messages, []);
  });

  test('a client that stops reading is dropped instead of growing the server memory', async () => {
    // Straight to the service (no nginx hop, whose buffers would absorb several more megabytes first).
    const slow = await open(`ws://127.0.0.1:${svc.internalPort}/ws`);
    await slow.next((m) => m.type === 'history', 'history');
    // Stop reading: the kernel buffers fill, then the server's send buffer would grow without bound.
    (slow.socket as unknown as { _socket: { pause(): void } })._socket.pause();
    const mod = await connect(ws, { cookie: admin.cookie });
    sockets.push(mod);
    await mod.next((m) => m.type === 'history', 'history');
    mod.send({ type: 'hello', nick: 'Moderador' });
    await mod.next((m) => m.type === 'welcome' && m.role === 'moderator', 'moderators are not rate-limited');
    const text = 'Lectura: '.padEnd(480, 'x');
    for (let i = 0; i < 20_000 && !svc.logs().includes('ws_slow_consumer'); i++) {
      mod.send({ type: 'chat', text: `${i} ${text}`, clientId: `flood${i}` });
      if (i % 500 === 499) await mod.next((m) => m.clientId === `flood${i}`, 'flood ack', 20_000);
    }
    await waitFor('the slow consumer dropped', () => svc.logs().includes('closing a websocket that stopped reading'), 20_000, 200);
    const fast = await joined('Rápido');
    assert.equal(fast.closed, null, 'a reading client is unaffected');
    assert.equal((await fetch(`${svc.base}/healthz`)).status, 200);
  });

  test('an acknowledged message survives kill -9 of the service', async () => {
    const s = await joined('Mario');
    const acked: string[] = [];
    for (let i = 0; i < 5; i++) {
      const a = await say(s, `mensaje durable ${i}`);
      assert.equal(a.type, 'ack', JSON.stringify(a));
      acked.push(a.id);
    }
    svc.kill9();
    await sleep(300);
    await svc.restart();
    const after = await open(ws);
    const h = await after.next((m) => m.type === 'history', 'history after restart', 10_000);
    const ids = new Set(h.messages.map((m: any) => m.id));
    for (const id of acked) assert.ok(ids.has(id), `acknowledged message ${id} is still there`);
  });
});
