import assert from 'node:assert/strict';
import { describe, test, type TestContext } from 'node:test';
import WebSocket from 'ws';
import { z } from 'zod';
import { createLogger } from '../../log/logger.js';
import { Redactor } from '../../log/redactor.js';
import type { StreamStatus } from '../../stream/status.js';
import { buildApp } from '../app.js';
import { WS_CLOSE, WsGateway, type GatewayOptions } from './gateway.js';

const STATUS: StreamStatus = { state: 'offline', since: '2026-11-29T14:00:03.120Z', name: 'envivo', master: '/video/envivo.m3u8', renditions: [], viewers: 0, reason: null };
type Frame = Record<string, unknown>;

/** A socket that records its raw frames; `messages()` decodes them the way the web's decoder does. */
class Recorder {
  readonly frames: Frame[] = [];
  closed: { code: number; reason: string } | null = null;
  constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => this.frames.push(JSON.parse(String(data)) as Frame));
    ws.on('close', (code, reason) => (this.closed = { code, reason: String(reason) }));
    ws.on('error', () => {});
  }
  messages(): Frame[] {
    return this.frames.flatMap((f) => (f.type === 'batch' ? (f.messages as Frame[]) : [f]));
  }
}

async function until(what: string, ok: () => boolean, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function start(t: TestContext, options: Partial<GatewayOptions<Frame>> = {}) {
  const events: string[] = [];
  const logger = createLogger('info', new Redactor(), { write: (line: string) => void events.push(String(JSON.parse(line).event)) });
  const gateway = new WsGateway<Frame>({ logger, batching: { tickMs: 20, framesPerSecond: 25_000 }, ...options });
  // `say {n}` broadcasts `said {n}` to everyone and answers the sender with `ok {n}`.
  gateway.register({
    type: 'say',
    schema: z.object({ type: z.literal('say'), n: z.number().int() }),
    handle: (client, data) => {
      gateway.broadcast({ type: 'said', n: data.n });
      client.send({ type: 'ok', n: data.n });
    },
  });
  gateway.onOpen((client) => client.send({ type: 'status', ...STATUS }));
  const app = await buildApp({
    logger,
    gateway,
    status: () => STATUS,
    health: () => ({ nginxUp: false, publisher: false, keyframeTooLong: false, transcoder: { phase: 'stopped', restarts: 0 }, renditions: [], advice: [] }),
    readiness: () => ({}),
    rateLimits: { login: 20, admin: 600, public: 1200 },
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as { port: number };
  const sockets: WebSocket[] = [];
  t.after(async () => {
    for (const s of sockets) s.terminate();
    await app.close();
  });
  const connect = async (query = '') => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/ws${query}`);
    sockets.push(ws);
    const r = new Recorder(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    await until('the greeting', () => r.messages().length > 0);
    return r;
  };
  return { gateway, connect, events };
}

describe('batch frames on /ws (opt-in with ?batch=1)', () => {
  test('an opted-in socket gets batch frames carrying exactly what a plain socket gets one frame at a time', async (t) => {
    const { gateway, connect } = await start(t);
    const plain = await connect();
    const batched = await connect('?batch=1');
    const n = 200;
    for (let i = 0; i < n; i++) gateway.broadcast({ type: 'said', n: i, text: `mensaje ${i} "con comillas" ñ` });
    await until('every broadcast at both sockets', () => plain.messages().length === n + 1 && batched.messages().length === n + 1);
    assert.deepEqual(batched.messages(), plain.messages());
    assert.equal(plain.frames.filter((f) => f.type === 'batch').length, 0, 'a socket that did not ask gets no batch frame');
    assert.equal(plain.frames.length, n + 1);
    const batches = batched.frames.filter((f) => f.type === 'batch');
    assert.ok(batches.length >= 1 && batches.length < n, `broadcasts were batched (${batches.length} batch frames for ${n} messages)`);
    assert.ok(batched.frames.slice(1).every((f) => f.type === 'batch'), 'every broadcast to an opted-in socket comes in a batch frame');
  });

  test("a reply to a batching socket's own frame follows the broadcasts made before it", async (t) => {
    const { connect } = await start(t);
    const batched = await connect('?batch=1');
    for (let i = 0; i < 5; i++) batched.ws.send(JSON.stringify({ type: 'say', n: i }));
    await until('five answers', () => batched.messages().filter((m) => m.type === 'ok').length === 5);
    await until('five broadcasts', () => batched.messages().filter((m) => m.type === 'said').length === 5);
    const order = batched.messages().slice(1).map((m) => `${String(m.type)}${String(m.n)}`);
    for (let i = 0; i < 5; i++) assert.ok(order.indexOf(`said${i}`) < order.indexOf(`ok${i}`), order.join(' '));
  });

  test('bad batch or overlay values close the socket with an error naming them', async (t) => {
    const { connect } = await start(t, { allowOverlay: true });
    const r = await connect('?batch=yes');
    await until('closed', () => r.closed !== null);
    assert.equal(r.closed!.code, WS_CLOSE.policy);
    assert.match(String(r.frames[0]!.message), /batch/);
  });

  test('a socket that stops reading is closed with 4001 "too slow"; one that reads is never dropped', async (t) => {
    // A long grace: a stalled client that reads again gets the close frame itself (code and reason).
    const { gateway, connect, events } = await start(t, { maxBufferedBytes: 64 * 1024, slowCloseGraceMs: 60_000 });
    const reader = await connect('?batch=1');
    const plainReader = await connect();
    const stalled = await connect('?batch=1');
    const stalledPlain = await connect();
    stalled.ws.pause();
    stalledPlain.ws.pause();
    const big = 'x'.repeat(16 * 1024);
    let made = 0;
    // Bounded: 4000 × 16 KiB = 64 MiB offered, far over what loopback buffers for a socket that does not read.
    const dropped = () => events.filter((e) => e === 'ws_slow_consumer').length;
    for (let i = 0; i < 4000 && dropped() < 2; i++) {
      gateway.broadcast({ type: 'said', n: i, big });
      made += 1;
      if (i % 50 === 49) await new Promise((r) => setTimeout(r, 5));
    }
    stalled.ws.resume();
    stalledPlain.ws.resume();
    assert.equal(dropped(), 2, 'both stalled sockets were dropped');
    await until('both stalled sockets closed', () => stalled.closed !== null && stalledPlain.closed !== null, 30_000);
    for (const s of [stalled, stalledPlain]) {
      assert.equal(s.closed!.code, WS_CLOSE.tooSlow);
      assert.match(s.closed!.reason, /too slow/);
    }
    const said = (r: Recorder) => r.messages().filter((m) => m.type === 'said').length;
    await until('the readers got everything', () => said(reader) === made && said(plainReader) === made, 20_000);
    assert.equal(reader.closed, null);
    assert.equal(plainReader.closed, null);
  });
});
