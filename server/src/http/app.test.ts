import { test, describe, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { createLogger } from '../log/logger.js';
import { Redactor } from '../log/redactor.js';
import type { IngestHealth } from '../observe/live-pipeline.js';
import type { StreamStatus } from '../stream/status.js';
import { buildApp, type AppDeps } from './app.js';
import { WsGateway } from './ws/gateway.js';

const STATUS: StreamStatus = {
  state: 'live',
  since: '2026-11-29T14:00:03.120Z',
  name: 'envivo',
  master: '/video/envivo.m3u8',
  renditions: [
    { id: 'source', label: 'Alta', url: '/video/envivo/index.m3u8', width: 1280, height: 720, bandwidth: 2_800_000, audioOnly: false, ready: true },
    { id: 'audio', label: 'Solo audio', url: '/video/envivo_audio/index.m3u8', bandwidth: 105_600, audioOnly: true, ready: true },
  ],
  viewers: 12,
  reason: null,
};

const HEALTH: IngestHealth = {
  nginxUp: true,
  publisher: true,
  inputKbps: 2500,
  keyframeTooLong: false,
  transcoder: { phase: 'stopped', restarts: 0 },
  renditions: [],
  advice: [],
};

/** The app with its dependencies; everything it logs is captured. */
async function build(t: TestContext, over: Partial<AppDeps> = {}) {
  const lines: string[] = [];
  const logger = createLogger('info', new Redactor(), { write: (l: string) => void lines.push(l) });
  const gateway = new WsGateway({ logger });
  const app = await buildApp({
    logger,
    gateway,
    status: () => STATUS,
    health: () => HEALTH,
    readiness: () => ({ nginx: true, database: true }),
    rateLimits: { login: 20, admin: 600, public: 1200 },
    ...over,
  });
  t.after(() => app.close());
  return { app, lines };
}

const json = (res: { body: string }) => JSON.parse(res.body) as Record<string, unknown>;

describe('HTTP app', () => {
  test('GET /api/v1/status returns the stream status from the pipeline', async (t) => {
    const { app } = await build(t);
    const res = await app.inject({ method: 'GET', url: '/api/v1/status' });
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers['content-type']), /^application\/json/);
    assert.deepEqual(json(res), STATUS);
  });

  test('the status is read on every request, not cached', async (t) => {
    let state: StreamStatus['state'] = 'offline';
    const { app } = await build(t, { status: () => ({ ...STATUS, state }) });
    assert.equal(json(await app.inject({ url: '/api/v1/status' })).state, 'offline');
    state = 'reconnecting';
    assert.equal(json(await app.inject({ url: '/api/v1/status' })).state, 'reconnecting');
  });

  test('GET /api/v1/health returns the ingest health', async (t) => {
    const { app } = await build(t);
    const res = await app.inject({ url: '/api/v1/health' });
    assert.equal(res.statusCode, 200);
    assert.deepEqual(json(res), HEALTH);
  });

  test('/healthz answers 200 while the process runs', async (t) => {
    const { app } = await build(t, { readiness: () => ({ nginx: false, database: false }) });
    const res = await app.inject({ url: '/healthz' });
    assert.equal(res.statusCode, 200);
    assert.deepEqual(json(res), { ok: true });
  });

  test('/readyz answers 200 when every check passes', async (t) => {
    const { app } = await build(t);
    const res = await app.inject({ url: '/readyz' });
    assert.equal(res.statusCode, 200);
    assert.deepEqual(json(res), { ok: true, checks: { nginx: true, database: true } });
  });

  test('/readyz answers 503 and names the failing check when nginx is down', async (t) => {
    const { app } = await build(t, { readiness: () => ({ nginx: false, database: true }) });
    const res = await app.inject({ url: '/readyz' });
    assert.equal(res.statusCode, 503);
    assert.deepEqual(json(res), { ok: false, checks: { nginx: false, database: true } });
  });

  test('/readyz follows the checks as they change', async (t) => {
    let db = true;
    const { app } = await build(t, { readiness: () => ({ nginx: true, database: db }) });
    assert.equal((await app.inject({ url: '/readyz' })).statusCode, 200);
    db = false;
    const res = await app.inject({ url: '/readyz' });
    assert.equal(res.statusCode, 503);
    assert.deepEqual(json(res).checks, { nginx: true, database: false });
  });

  test('an unknown route is a 404 JSON error without a stack', async (t) => {
    const { app } = await build(t);
    const res = await app.inject({ url: '/nope/../../etc/passwd' });
    assert.equal(res.statusCode, 404);
    assert.deepEqual(json(res), { error: 'not_found', message: 'No encontrado / not found' });
    const post = await app.inject({ method: 'POST', url: '/api/v1/status' });
    assert.equal(post.statusCode, 404);
    assert.equal(json(post).error, 'not_found');
  });

  test('a route that throws answers 500 without internals and logs the cause once', async (t) => {
    const { app, lines } = await build(t, {
      plugins: [
        (a: FastifyInstance) => {
          a.get('/api/v1/boom', async () => {
            throw new Error('database exploded at /srv/secret/path');
          });
        },
      ],
    });
    const res = await app.inject({ url: '/api/v1/boom' });
    assert.equal(res.statusCode, 500);
    assert.deepEqual(json(res), { error: 'internal', message: 'Error interno / internal error' });
    assert.ok(!res.body.includes('exploded'));
    assert.ok(!res.body.includes('stack'));
    const logged = lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((r) => r.event === 'http_error');
    assert.equal(logged.length, 1);
    assert.equal(logged[0]!.err, 'database exploded at /srv/secret/path');
    assert.equal(logged[0]!.url, '/api/v1/boom');
  });

  test('a malformed JSON body is a 400 with a message, not a 500', async (t) => {
    const { app } = await build(t, {
      plugins: [(a: FastifyInstance) => void a.post('/api/v1/echo', async (req) => req.body)],
    });
    const res = await app.inject({ method: 'POST', url: '/api/v1/echo', headers: { 'content-type': 'application/json' }, payload: '{"a":' });
    assert.equal(res.statusCode, 400);
    assert.equal(json(res).error, 'bad_request');
    assert.ok(!res.body.includes('stack'));
  });

  test('a body over 64 KiB is refused with 413', async (t) => {
    const { app } = await build(t, {
      plugins: [(a: FastifyInstance) => void a.post('/api/v1/echo', async () => ({ ok: true }))],
    });
    const res = await app.inject({ method: 'POST', url: '/api/v1/echo', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ x: 'y'.repeat(70 * 1024) }) });
    assert.equal(res.statusCode, 413);
  });

  test('requests are not logged line by line (callback URLs carry a token)', async (t) => {
    const { app, lines } = await build(t);
    await app.inject({ url: '/api/v1/status?token=abcdef123456' });
    await app.inject({ url: '/nope?token=abcdef123456' });
    assert.deepEqual(lines, []);
  });
});

test('the API is rate limited per client address with a readable 429; probes are not', async (t) => {
  const { app } = await build(t, { rateLimits: { login: 1, admin: 1, public: 2 } });
  const from = (ip: string) => ({ method: 'GET' as const, url: '/api/v1/status', remoteAddress: '127.0.0.1', headers: { 'x-forwarded-for': ip } });
  assert.equal((await app.inject(from('203.0.113.5'))).statusCode, 200);
  assert.equal((await app.inject(from('203.0.113.5'))).statusCode, 200);
  const limited = await app.inject(from('203.0.113.5'));
  assert.equal(limited.statusCode, 429);
  assert.equal(json(limited).error, 'rate_limited');
  assert.match(String(json(limited).message), /Demasiadas solicitudes; intente de nuevo en \d+ s/);
  assert.ok(Number(limited.headers['retry-after']) > 0);
  assert.equal((await app.inject(from('203.0.113.6'))).statusCode, 200, 'another address has its own allowance');
  for (let i = 0; i < 5; i++) assert.equal((await app.inject({ method: 'GET', url: '/healthz' })).statusCode, 200);
});
