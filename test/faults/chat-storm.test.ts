/**
 * Fault suite, chat: the service is killed with -9 in the middle of a chat storm. A viewer whose message
 * was acknowledged must find it afterwards; nothing acknowledged may be lost.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { cleanupService, ensureBuilt, sleep, startService, waitFor, type ServiceHandle } from '../helpers/platform.js';
import { adminCall, adminLogin, connect, type TestSocket } from '../helpers/ws-client.js';
import { figure } from '../helpers/faults.js';

const PASSWORD = 'clave-de-prueba-tormenta';
const CLIENTS = 20;
/** Each client sends every 100 ms: 20 × 10 = 200 messages a second in all. */
const EVERY_MS = 100;
const STORM_MS = 3000;

describe('chat storm and kill -9', { timeout: 180_000 }, () => {
  let svc: ServiceHandle;
  const sockets: TestSocket[] = [];

  before(async () => {
    ensureBuilt();
    // Every test client shares loopback's address: raise the per-connection and per-address buckets so the
    // storm is a real one (the defaults would answer most of it with "slow down").
    const dir = mkdtempSync(path.join(os.tmpdir(), 'cdp-stormcfg-'));
    const config = path.join(dir, 'config.json');
    writeFileSync(config, JSON.stringify({ chat: { ratePerSecond: 100, burst: 100, ipRatePerSecond: 1000, ipBurst: 1000, duplicateWindowSeconds: 0 } }));
    svc = await startService({ ADMIN_PASSWORD: PASSWORD, CONFIG_FILE: config });
  });
  after(async () => {
    for (const s of sockets) s.close();
    await cleanupService(svc);
  });

  test('every acknowledged message is there after kill -9 mid-storm', async () => {
    const url = `ws://127.0.0.1:${svc.httpPort}/ws`;
    for (let i = 0; i < CLIENTS; i++) {
      const s = await connect(url);
      sockets.push(s);
      await s.next((m) => m.type === 'history', 'history on join');
      s.send({ type: 'hello', nick: `Hermano${i}` });
      await s.next((m) => m.type === 'welcome', `welcome ${i}`);
    }
    // clientId → text, for every message sent; acks recorded as they arrive (before the kill, necessarily).
    const sent = new Map<string, string>();
    const acked = new Map<string, { id: string; text: string }>();
    const refused = new Map<string, number>();
    for (const s of sockets) {
      s.socket.on('message', (data) => {
        const m = JSON.parse(String(data)) as { type: string; clientId?: string; id?: string; code?: string };
        if (m.type === 'ack' && m.clientId && m.id) acked.set(m.clientId, { id: m.id, text: sent.get(m.clientId)! });
        if (m.type === 'error' && m.clientId) refused.set(m.code ?? '?', (refused.get(m.code ?? '?') ?? 0) + 1);
      });
    }
    let n = 0;
    let lastSentAt = 0;
    const timers = sockets.map((s, i) =>
      setInterval(() => {
        if (s.socket.readyState !== s.socket.OPEN) return;
        const clientId = `t${i}-${++n}`;
        const text = `Amén desde la tormenta ${clientId}`;
        sent.set(clientId, text);
        lastSentAt = Date.now();
        s.send({ type: 'chat', text, clientId });
      }, EVERY_MS),
    );
    const stormStart = Date.now();
    await sleep(STORM_MS);
    svc.kill9();
    const killedAt = Date.now();
    await waitFor('every socket closed by the kill', () => sockets.every((s) => s.closed !== null), 10_000, 50);
    for (const t of timers) clearInterval(t);
    const ackedBeforeKill = acked.size;
    figure('chat-storm-sent-per-s', sent.size / ((killedAt - stormStart) / 1000));
    figure('chat-storm-acked-before-kill', ackedBeforeKill);
    figure('chat-storm-refused', [...refused.values()].reduce((a, b) => a + b, 0));
    if (refused.size > 0) console.log(`# refused: ${JSON.stringify(Object.fromEntries(refused))}`);
    assert.ok(ackedBeforeKill >= 200, `a real storm was acknowledged before the kill (${ackedBeforeKill} acks of ${sent.size} sent)`);
    // Mid-storm: every socket was still sending when the kill landed (a fast server may have answered all
    // of them by then, so unanswered messages are not required).
    assert.ok(killedAt - lastSentAt <= EVERY_MS * 4, `the kill landed mid-storm: the last message went ${killedAt - lastSentAt} ms before it`);

    await svc.restart();
    const admin = await adminLogin(svc.base, PASSWORD);
    const exp = await adminCall(svc.base, admin, 'GET', '/api/v1/admin/chat/export?format=json');
    assert.equal(exp.status, 200, exp.text.slice(0, 300));
    const stored = new Map<string, string>((exp.json.messages as { id: string; text: string }[]).map((m) => [m.id, m.text]));
    const lost = [...acked.values()].filter((a) => stored.get(a.id) !== a.text);
    figure('chat-storm-acked-lost', lost.length);
    figure('chat-storm-stored-unacked', [...stored.values()].filter((t) => t.includes('tormenta')).length - (ackedBeforeKill - lost.length));
    assert.deepEqual(lost.slice(0, 10), [], `${lost.length} of ${ackedBeforeKill} acknowledged messages are missing or changed after the restart`);

    // And a viewer joining now sees the last acknowledged messages in the chat history.
    const late = await connect(url);
    sockets.push(late);
    const history = await late.next((m) => m.type === 'history', 'history after the restart', 10_000);
    const shown = new Set((history.messages as { id: string }[]).map((m) => m.id));
    const newestAcked = [...acked.values()].slice(-20);
    const ids = [...stored.keys()];
    // Only those that fit in the history window (the newest historySize stored messages) can be shown.
    const window = new Set(ids.slice(-history.messages.length));
    for (const a of newestAcked) if (window.has(a.id)) assert.ok(shown.has(a.id), `acknowledged ${a.id} shown in the history`);
  });
});
