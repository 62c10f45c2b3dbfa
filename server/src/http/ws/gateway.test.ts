import { test, describe, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import WebSocket from 'ws';
import { z } from 'zod';
import { createLogger } from '../../log/logger.js';
import { Redactor } from '../../log/redactor.js';
import type { StreamStatus } from '../../stream/status.js';
import { buildApp } from '../app.js';
import { SocketQuota } from './socket-quota.js';
import { WsGateway, WS_CLOSE, type GatewayOptions, type WsClient } from './gateway.js';

const STATUS: StreamStatus = {
  state: 'offline',
  since: '2026-11-29T14:00:03.120Z',
  name: 'envivo',
  master: '/video/envivo.m3u8',
  renditions: [],
  viewers: 0,
  reason: null,
};

type Msg = Record<string, unknown>;

/** A connected test client that queues what it receives. */
class Client {
  readonly messages: Msg[] = [];
  private waiters: (() => void)[] = [];
  closed: Promise<{ code: number; reason: string }>;

  constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      this.messages.push(JSON.parse(String(data)) as Msg);
      for (const w of this.waiters.splice(0)) w();
    });
    this.closed = new Promise((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: String(reason) })));
    ws.on('error', () => {});
  }

  /** The next message (in order), waiting up to 2 s for it. */
  private read = 0;
  async next(): Promise<Msg> {
    const deadline = Date.now() + 2000;
    while (this.messages.length <= this.read) {
      if (Date.now() > deadline) throw new Error(`no message after ${this.read} received: ${JSON.stringify(this.messages)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 100);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return this.messages[this.read++]!;
  }

  send(data: unknown) {
    this.ws.send(typeof data === 'string' ? data : JSON.stringify(data));
  }
}

async function withTimeout<T>(p: Promise<T>, what: string, ms = 2000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out: ${what}`)), ms)));
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The app listening on a free loopback port with a gateway that, like the wiring, greets every client
 * with the status, and a `ping` handler that answers `pong` with the validated frame.
 */
/** This test's gateway sends its own `pong` besides the protocol's frames, so its frames are left open. */
type TestFrame = Record<string, unknown>;

async function start(t: TestContext, options: Partial<GatewayOptions<TestFrame>> = {}) {
  const logger = createLogger('silent', new Redactor());
  const gateway = new WsGateway<TestFrame>({ logger, ...options });
  const received: { client: WsClient<TestFrame>; data: { type: 'ping'; n: number } }[] = [];
  gateway.register({
    type: 'ping',
    schema: z.object({ type: z.literal('ping'), n: z.number().int().min(0) }),
    handle: (client, data) => {
      received.push({ client, data });
      client.send({ type: 'pong', n: data.n });
    },
  });
  gateway.register({
    type: 'explode',
    schema: z.object({ type: z.literal('explode') }),
    handle: () => {
      throw new Error('handler bug');
    },
  });
  gateway.onOpen((client) => client.send({ type: 'status', ...STATUS }));
  const app: FastifyInstance = await buildApp({
    logger,
    gateway,
    status: () => STATUS,
    health: () => ({ nginxUp: false, publisher: false, keyframeTooLong: false, transcoder: { phase: 'stopped', restarts: 0 }, renditions: [], advice: [] }),
    readiness: () => ({}),
    rateLimits: { login: 20, admin: 600, public: 1200 },
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as { port: number };
  const clients: Client[] = [];
  t.after(async () => {
    for (const c of clients) c.ws.terminate();
    await app.close();
  });
  const connect = async (query = ''): Promise<Client> => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/ws${query}`);
    const c = new Client(ws);
    clients.push(c);
    await withTimeout(new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    }), 'websocket open');
    return c;
  };
  /** A connected client that has already read its greeting. */
  const connectGreeted = async (query = '') => {
    const c = await connect(query);
    assert.equal((await c.next()).type, 'status');
    return c;
  };
  return { gateway, connect, connectGreeted, received, port };
}

describe('websocket gateway', () => {
  test('a client receives the stream status as soon as it connects', async (t) => {
    const { connect } = await start(t);
    const c = await connect();
    assert.deepEqual(await c.next(), { type: 'status', ...STATUS });
  });

  test('malformed JSON is answered with an error "bad_json" and the socket stays open', async (t) => {
    const { connectGreeted } = await start(t);
    const c = await connectGreeted();
    c.send('{"type": "ping", ');
    const err = await c.next();
    assert.equal(err.type, 'error');
    assert.equal(err.code, 'bad_json');
    assert.equal(typeof err.message, 'string');
    c.send({ type: 'ping', n: 1 });
    assert.deepEqual(await c.next(), { type: 'pong', n: 1 });
  });

  test('a frame without a type, or that is not an object, is answered with "bad_message"', async (t) => {
    const { connectGreeted } = await start(t);
    const c = await connectGreeted();
    for (const frame of ['{"n": 1}', '[1, 2]', '42', 'null', '{"type": ""}']) {
      c.send(frame);
      const err = await c.next();
      assert.deepEqual([err.type, err.code], ['error', 'bad_message'], frame);
    }
  });

  test('an unknown message type is answered with "unknown_type"', async (t) => {
    const { connectGreeted } = await start(t);
    const c = await connectGreeted();
    c.send({ type: 'launch-missiles' });
    const err = await c.next();
    assert.equal(err.code, 'unknown_type');
    assert.match(String(err.message), /launch-missiles/);
  });

  test('a valid frame reaches its handler with the parsed data', async (t) => {
    const { connectGreeted, received } = await start(t);
    const c = await connectGreeted();
    c.send({ type: 'ping', n: 7 });
    assert.deepEqual(await c.next(), { type: 'pong', n: 7 });
    assert.equal(received.length, 1);
    assert.deepEqual(received[0]!.data, { type: 'ping', n: 7 });
    assert.equal(received[0]!.client.ip, '127.0.0.1');
  });

  test('a frame that fails the handler\'s schema is answered with "invalid" naming the field, and the handler is not called', async (t) => {
    const { connectGreeted, received } = await start(t);
    const c = await connectGreeted();
    c.send({ type: 'ping', n: 'seven' });
    const err = await c.next();
    assert.equal(err.type, 'error');
    assert.equal(err.code, 'invalid');
    assert.match(String(err.message), /\bn\b/);
    c.send({ type: 'ping', n: -1 });
    assert.equal((await c.next()).code, 'invalid');
    assert.equal(received.length, 0);
  });

  test('a handler that throws gives the client an "internal" error and keeps the socket open', async (t) => {
    const { connectGreeted } = await start(t);
    const c = await connectGreeted();
    c.send({ type: 'explode' });
    assert.equal((await c.next()).code, 'internal');
    c.send({ type: 'ping', n: 2 });
    assert.deepEqual(await c.next(), { type: 'pong', n: 2 });
  });

  test('a binary frame closes that socket with 1003', async (t) => {
    const { connectGreeted } = await start(t);
    const c = await connectGreeted();
    c.ws.send(Buffer.from([1, 2, 3]), { binary: true });
    const closed = await withTimeout(c.closed, 'close after binary frame');
    assert.equal(closed.code, WS_CLOSE.unsupported);
    assert.equal(closed.code, 1003);
  });

  test('a frame over the payload limit closes that socket with 1009', async (t) => {
    const { connectGreeted, gateway } = await start(t, { maxPayload: 1024 });
    assert.equal(gateway.maxPayload, 1024);
    const c = await connectGreeted();
    c.send({ type: 'ping', n: 1, pad: 'x'.repeat(2048) });
    const closed = await withTimeout(c.closed, 'close after oversized frame');
    assert.equal(closed.code, 1009);
  });

  test('the default payload limit is 16 KiB', () => {
    assert.equal(new WsGateway({ logger: createLogger('silent', new Redactor()) }).maxPayload, 16 * 1024);
  });

  test('another connected client is unaffected by a hostile one', async (t) => {
    const { connectGreeted, gateway } = await start(t, { maxPayload: 1024 });
    const good = await connectGreeted();
    const hostile = await connectGreeted();
    hostile.send('not json');
    hostile.send({ type: 'nope' });
    hostile.send({ type: 'ping', n: 'x' });
    hostile.send({ type: 'explode' });
    hostile.ws.send(Buffer.alloc(10), { binary: true });
    await withTimeout(hostile.closed, 'hostile closed');
    good.send({ type: 'ping', n: 3 });
    assert.deepEqual(await good.next(), { type: 'pong', n: 3 });
    gateway.broadcast({ type: 'viewers', count: 1 });
    assert.deepEqual(await good.next(), { type: 'viewers', count: 1 });
    assert.equal(good.ws.readyState, WebSocket.OPEN);
    assert.equal(good.messages.filter((m) => m.type === 'error').length, 0, 'the hostile client\'s errors went to it alone');
  });

  test('a broadcast reaches every connected client, and the count follows connects and disconnects', async (t) => {
    const { connectGreeted, gateway } = await start(t);
    const a = await connectGreeted();
    const b = await connectGreeted();
    assert.equal(gateway.count(), 2);
    gateway.broadcast({ type: 'status', ...STATUS, state: 'live' });
    assert.equal((await a.next()).state, 'live');
    assert.equal((await b.next()).state, 'live');
    b.ws.close();
    await withTimeout(b.closed, 'b closed');
    const deadline = Date.now() + 2000;
    while (gateway.count() !== 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    assert.equal(gateway.count(), 1);
  });

  test('on shutdown every socket is closed with 1001', async (t) => {
    const { connectGreeted, gateway } = await start(t);
    const a = await connectGreeted();
    gateway.closeAll();
    assert.equal((await withTimeout(a.closed, 'closed on shutdown')).code, 1001);
  });

  test('one address may not hold more sockets than allowed; the extra one is told why and closed with 1008', async (t) => {
    const { connect, connectGreeted } = await start(t, { maxSocketsPerIp: 1 });
    const first = await connectGreeted();
    const extra = await connect();
    const err = await extra.next();
    assert.deepEqual([err.type, err.code], ['error', 'too_many_connections']);
    assert.equal((await withTimeout(extra.closed, 'extra closed')).code, 1008);
    // A closed socket frees its place: the count follows closes too.
    first.ws.close();
    await withTimeout(first.closed, 'first closed');
    await new Promise((r) => setTimeout(r, 50));
    const again = await connectGreeted();
    assert.ok(again, 'a new socket is accepted once the first one is gone');
  });

  test('a socket over the limit is refused in its own protocol (the legacy socket gets {action: "error"})', async (t) => {
    const encodeError = (code: string, message: string) => ({ action: 'error', data: { code, message } });
    const { connect } = await start(t, { maxSocketsPerIp: 1, encodeError });
    await connect();
    const extra = await connect();
    const err = await extra.next();
    assert.equal(err.action, 'error');
    assert.equal((err.data as Msg).code, 'too_many_connections');
    assert.equal((await withTimeout(extra.closed, 'extra closed')).code, 1008);
  });

  test('an overlay socket (?overlay=1) hears every broadcast, is refused every frame it sends, and is no viewer session', async (t) => {
    const { connectGreeted, gateway, received } = await start(t, { allowOverlay: true, identify: () => ({ sessionId: 'viewer-session', ipHash: 'h', role: 'viewer' }) });
    const viewer = await connectGreeted();
    const overlay = await connectGreeted('?overlay=1');
    assert.equal(gateway.count(), 2);
    assert.deepEqual(gateway.sessions(), ['viewer-session']);
    gateway.broadcast({ type: 'chat', message: { id: '1', nick: 'Ana', text: 'hola' } });
    assert.equal((await overlay.next()).type, 'chat');
    assert.equal((await viewer.next()).type, 'chat');
    overlay.send({ type: 'ping', n: 1 });
    overlay.send({ type: 'chat', text: 'desde OBS', clientId: 'x' });
    overlay.send('not json');
    for (let i = 0; i < 3; i++) assert.deepEqual([(await overlay.next()).type, overlay.messages.at(-1)?.code], ['error', 'read_only']);
    assert.equal(received.length, 0, 'no handler saw the overlay’s frames');
    viewer.send({ type: 'ping', n: 2 });
    assert.deepEqual(await viewer.next(), { type: 'pong', n: 2 });
    // ?overlay=0 is an ordinary client.
    await connectGreeted('?overlay=0');
    assert.deepEqual(gateway.sessions(), ['viewer-session', 'viewer-session']);
  });

  test('a bad overlay value is refused (1008); where overlays are not allowed, ?overlay=1 is an ordinary client', async (t) => {
    const allowed = await start(t, { allowOverlay: true });
    for (const q of ['?overlay=2', '?overlay=yes', '?overlay=1&overlay=1']) {
      const c = await allowed.connect(q);
      assert.deepEqual([(await c.next()).type, c.messages[0]?.code], ['error', 'invalid'], q);
      assert.equal((await withTimeout(c.closed, `closed ${q}`)).code, 1008, q);
    }
    const plain = await start(t);
    const c = await plain.connectGreeted('?overlay=1');
    c.send({ type: 'ping', n: 3 });
    assert.deepEqual(await c.next(), { type: 'pong', n: 3 });
    assert.equal(plain.gateway.sessions().length, 1);
  });

  test('a moderator socket becomes a viewer\'s before its next frame once its admin session no longer holds', async (t) => {
    let signedIn = true;
    const moderator = () => ({ sessionId: 'viewer-1', ipHash: 'h', role: 'moderator' as const, adminSession: 'admin-1' });
    const { gateway, connectGreeted, received } = await start(t, { identify: moderator, stillModerator: (id) => signedIn && id === 'admin-1' });
    const demoted: string[] = [];
    gateway.onDemote((c) => demoted.push(c.role));
    const c = await connectGreeted();
    c.send({ type: 'ping', n: 1 });
    await c.next();
    assert.equal(received[0]!.client.role, 'moderator');
    signedIn = false;
    c.send({ type: 'ping', n: 2 });
    await c.next();
    assert.equal(received[1]!.client.role, 'viewer', 'the handler already sees a viewer');
    assert.deepEqual(demoted, ['viewer'], 'told once');
  });

  test('demote(session) turns only the sockets of that admin session into viewers', async (t) => {
    let next = 0;
    const identify = () => ({ sessionId: `v${next}`, ipHash: 'h', role: 'moderator' as const, adminSession: `admin-${next++ % 2}` });
    const { gateway, connectGreeted, received } = await start(t, { identify, stillModerator: () => true });
    const a = await connectGreeted();
    const b = await connectGreeted();
    gateway.demote('admin-0');
    a.send({ type: 'ping', n: 1 });
    await a.next();
    b.send({ type: 'ping', n: 2 });
    await b.next();
    assert.deepEqual(received.map((r) => [r.client.adminSession ?? null, r.client.role]), [[null, 'viewer'], ['admin-1', 'moderator']]);
  });

  test('one quota shared by two gateways is one cap per address across both', () => {
    const quota = new SocketQuota(3);
    assert.ok(quota.acquire('1.2.3.4') && quota.acquire('1.2.3.4') && quota.acquire('1.2.3.4'));
    assert.equal(quota.acquire('1.2.3.4'), false, 'the fourth, whichever endpoint asks');
    assert.ok(quota.acquire('5.6.7.8'), 'another address is unaffected');
    quota.release('1.2.3.4');
    assert.ok(quota.acquire('1.2.3.4'));
    assert.equal(quota.held('1.2.3.4'), 3);
  });

  test('a handler type can be registered only once', () => {
    const gateway = new WsGateway({ logger: createLogger('silent', new Redactor()) });
    const handler = { type: 'x', schema: z.object({}), handle: () => {} };
    gateway.register(handler);
    assert.throws(() => gateway.register(handler), /already registered/);
  });
});
