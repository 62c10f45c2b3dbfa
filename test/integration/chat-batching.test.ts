/**
 * Batch frames on the real platform (built service, nginx in front): a /ws socket that opted in with
 * `?batch=1` receives `batch` frames whose messages are, in order and content, what a socket that did not
 * opt in receives one frame at a time; the legacy /v1/websocket keeps its one-message `{action, data}`
 * frames, even when asked for batching.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { cleanupService, ensureBuilt, startService, waitFor, type ServiceHandle } from '../helpers/platform.js';
import { adminCall, adminLogin, connect, type TestSocket } from '../helpers/ws-client.js';

const PASSWORD = 'clave-de-prueba-lotes';
/** What every socket is sent alike (replies to a socket's own frames and its greeting are left out). */
const BROADCAST = new Set(['chat', 'deleted', 'join', 'pinned', 'chat-cleared']);
const unbatch = (frames: any[]) => frames.flatMap((f) => (f.type === 'batch' ? f.messages : [f]));

describe('batch frames on /ws, legacy frames unchanged', { timeout: 120_000 }, () => {
  let svc: ServiceHandle;
  const sockets: TestSocket[] = [];
  const open = async (url: string) => {
    const s = await connect(url);
    sockets.push(s);
    return s;
  };

  before(async () => {
    ensureBuilt();
    const dir = mkdtempSync(path.join(os.tmpdir(), 'cdp-batchcfg-'));
    const config = path.join(dir, 'config.json');
    // Loopback is one address for every client: room in its bucket. A long tick makes batches likely.
    writeFileSync(config, JSON.stringify({ chat: { ipRatePerSecond: 100, ipBurst: 500, batchMs: 200 } }));
    svc = await startService({ ADMIN_PASSWORD: PASSWORD, CONFIG_FILE: config });
  });
  after(async () => {
    for (const s of sockets) s.close();
    await cleanupService(svc);
  });

  test('an opted-in socket gets in batches exactly what a plain socket gets; a legacy socket gets one message a frame', async () => {
    const base = `ws://127.0.0.1:${svc.httpPort}`;
    const plain = await open(`${base}/ws`);
    const batched = await open(`${base}/ws?batch=1`);
    const legacy = await open(`${base}/v1/websocket?batch=1`);
    const sender = await open(`${base}/ws`);
    const second = await open(`${base}/ws`);
    for (const s of [plain, batched, sender, second]) await waitFor('history', () => unbatch(s.messages).some((m) => m.type === 'history'), 10_000);
    for (const [s, nick] of [[sender, 'Ana'], [second, 'Beto']] as const) {
      s.send({ type: 'hello', nick });
      await s.next((m) => m.type === 'welcome', 'welcome');
      // The join notice first reaches everyone, so every socket's window below starts after it.
      const joined = (frames: any[]) => unbatch(frames).some((m) => m.type === 'join' && m.nick === nick);
      await waitFor('the join notice everywhere', () => joined(plain.messages) && joined(batched.messages), 10_000);
      await legacy.next((m) => m.action === 'chat-message' && m.data.identify === true && m.data.username === nick, 'the join notice at the legacy socket');
    }
    const start = plain.messages.length;
    const startBatched = batched.messages.length;
    const startLegacy = legacy.messages.length;

    // Five at once (the per-socket burst), then a deletion by a moderator, then a last one.
    for (let i = 0; i < 5; i++) sender.send({ type: 'chat', text: `lote ${i} "ñandú" <b>`, clientId: `c${i}` });
    const acks = await waitFor('five acks', () => {
      const a = sender.messages.filter((m) => m.type === 'ack');
      return a.length === 5 ? a : undefined;
    }, 10_000);
    const admin = await adminLogin(svc.base, PASSWORD);
    assert.equal((await adminCall(svc.base, admin, 'DELETE', `/api/v1/admin/chat/messages/${acks[2].id}`)).status, 200);
    second.send({ type: 'chat', text: 'fin del lote', clientId: 'last' });
    const done = (frames: any[]) => unbatch(frames).some((m) => m.type === 'chat' && m.message.text === 'fin del lote');
    await waitFor('the last message at both /ws sockets', () => done(plain.messages) && done(batched.messages), 10_000);

    const plainGot = plain.messages.slice(start).filter((m) => BROADCAST.has(m.type));
    const batchedFrames = batched.messages.slice(startBatched);
    const batchedGot = unbatch(batchedFrames).filter((m) => BROADCAST.has(m.type));
    assert.equal(plainGot.filter((m) => m.type === 'chat').length, 6);
    assert.deepEqual(batchedGot, plainGot, 'same messages, same order, same content');
    assert.equal(plain.messages.filter((m) => m.type === 'batch').length, 0, 'no batch frame for a socket that did not ask');
    const chatFrames = batchedFrames.filter((f) => f.type === 'chat' || (f.type === 'batch' && f.messages.some((m: any) => m.type === 'chat')));
    assert.ok(chatFrames.every((f) => f.type === 'batch'), 'every chat message reached the opted-in socket inside a batch frame');
    assert.ok(chatFrames.length <= 6);

    // Legacy: one message per frame, `{action, data}`, the same chat messages in the same order.
    await legacy.next((m) => m.action === 'chat-message' && m.data.message === 'fin del lote', 'the last message at the legacy socket');
    const legacyFrames = legacy.messages.slice(startLegacy);
    for (const f of legacyFrames) {
      assert.deepEqual(Object.keys(f).sort(), ['action', 'data'], JSON.stringify(f));
      assert.notEqual(f.type, 'batch');
    }
    const legacyChat = legacyFrames.filter((f) => f.action === 'chat-message').map((f) => f.data.id);
    assert.deepEqual(legacyChat, plainGot.filter((m) => m.type === 'chat').map((m) => m.message.id));
  });
});
