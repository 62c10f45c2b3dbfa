import { test, describe, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import WebSocket from 'ws';
import { createLogger } from '../log/logger.js';
import { Redactor } from '../log/redactor.js';
import type { StreamStatus } from '../stream/status.js';
import { buildApp } from './app.js';
import { OriginPolicy, socketOriginGuard } from './cross-origin.js';
import { WsGateway } from './ws/gateway.js';

const STATUS: StreamStatus = { state: 'offline', since: '2026-11-29T14:00:03.120Z', reason: null, name: 'envivo', master: '/video/envivo.m3u8', renditions: [], viewers: 0 };
const ALLOWED = 'https://app.iglesia.cl';
const SITE = 'https://iglesia.cl';

describe('origin rules', () => {
  const policy = new OriginPolicy([ALLOWED, 'http://192.168.1.10:3000'], [SITE]);

  test('an allowed origin is echoed exactly; another one gets nothing', () => {
    assert.equal(policy.corsOrigin(ALLOWED), ALLOWED);
    assert.equal(policy.corsOrigin('http://192.168.1.10:3000'), 'http://192.168.1.10:3000');
    assert.equal(policy.corsOrigin('https://evil.example'), null);
    assert.equal(policy.corsOrigin('https://app.iglesia.cl.evil.example'), null);
    assert.equal(policy.corsOrigin('https://evil-app.iglesia.cl'), null);
  });

  test('scheme and port matter', () => {
    assert.equal(policy.corsOrigin('http://app.iglesia.cl'), null);
    assert.equal(policy.corsOrigin('https://app.iglesia.cl:8443'), null);
    assert.equal(policy.corsOrigin('http://192.168.1.10:3001'), null);
    assert.equal(policy.corsOrigin('https://app.iglesia.cl:443'), ALLOWED, 'the default port is the same origin');
  });

  test('host case and a trailing slash do not matter', () => {
    assert.equal(policy.corsOrigin('https://APP.Iglesia.CL'), ALLOWED);
    assert.equal(policy.corsOrigin('https://app.iglesia.cl/'), ALLOWED);
    assert.equal(policy.corsOrigin('https://app.iglesia.cl/x'), null, 'an Origin never has a path');
  });

  test('the "null" origin (sandboxed frame, file://) and garbage are refused everywhere', () => {
    for (const o of ['null', '', ' ', 'app.iglesia.cl', '*', 'https://app.iglesia.cl, https://evil.example']) {
      assert.equal(policy.corsOrigin(o), null, o);
      assert.equal(policy.socketAllows(o), false, o);
    }
  });

  test('no origin: not a CORS request (no headers), but a socket from a non-browser client is accepted', () => {
    assert.equal(policy.corsOrigin(undefined), null);
    assert.equal(policy.socketAllows(undefined), true);
  });

  test('sockets: the listed origins, the site itself, and the origin the request was addressed to', () => {
    assert.equal(policy.socketAllows(ALLOWED), true);
    assert.equal(policy.socketAllows(SITE), true);
    assert.equal(policy.corsOrigin(SITE), null, 'the site origin is not added to CORS by the sockets list');
    assert.equal(policy.socketAllows('http://127.0.0.1:8080', 'http://127.0.0.1:8080'), true);
    assert.equal(policy.socketAllows('http://evil.example', 'http://127.0.0.1:8080'), false);
    assert.equal(policy.socketAllows('http://127.0.0.1:8081', 'http://127.0.0.1:8080'), false);
  });
});

async function build(t: TestContext) {
  const lines: string[] = [];
  const logger = createLogger('info', new Redactor(), { write: (l: string) => void lines.push(l) });
  const policy = new OriginPolicy([ALLOWED], [SITE]);
  const gateway = new WsGateway({ logger, beforeUpgrade: socketOriginGuard(policy, logger, '/ws') });
  const app = await buildApp({
    logger,
    gateway,
    cors: policy,
    status: () => STATUS,
    health: () => ({}) as never,
    readiness: () => ({ ok: true }),
    rateLimits: { login: 20, admin: 600, public: 1200 },
    publicPlugins: [(s) => void s.get('/v1/streaming/online', async () => ({ online: false, stream_url: 'x' }))],
    plugins: [(a) => void a.get('/api/v1/admin/overview', async () => ({ secret: true }))],
  });
  t.after(() => app.close());
  return { app, lines };
}

describe('CORS on the public read API', () => {
  test('an allowed origin reads /api/v1/status and the legacy REST, with Vary: Origin and never *', async (t) => {
    const { app } = await build(t);
    for (const url of ['/api/v1/status', '/v1/streaming/online']) {
      const res = await app.inject({ url, headers: { origin: ALLOWED } });
      assert.equal(res.statusCode, 200, url);
      assert.equal(res.headers['access-control-allow-origin'], ALLOWED, url);
      assert.match(String(res.headers.vary), /Origin/, url);
      assert.equal(res.headers['access-control-allow-credentials'], undefined, url);
    }
  });

  test('a disallowed origin gets the answer without CORS headers (the browser blocks it), never a 5xx', async (t) => {
    const { app } = await build(t);
    for (const origin of ['https://evil.example', 'null', 'x'.repeat(5000)]) {
      const res = await app.inject({ url: '/api/v1/status', headers: { origin } });
      assert.equal(res.statusCode, 200);
      assert.equal(res.headers['access-control-allow-origin'], undefined);
      const pre = await app.inject({ method: 'OPTIONS', url: '/api/v1/status', headers: { origin, 'access-control-request-method': 'GET' } });
      assert.equal(pre.statusCode, 204);
      assert.equal(pre.headers['access-control-allow-origin'], undefined);
      assert.equal(pre.headers['access-control-allow-methods'], undefined);
    }
  });

  test('a preflight is answered 204 with the methods, headers and max-age', async (t) => {
    const { app } = await build(t);
    const res = await app.inject({ method: 'OPTIONS', url: '/v1/streaming/online', headers: { origin: ALLOWED, 'access-control-request-method': 'GET', 'access-control-request-headers': 'content-type' } });
    assert.equal(res.statusCode, 204);
    assert.equal(res.headers['access-control-allow-origin'], ALLOWED);
    assert.match(String(res.headers['access-control-allow-methods']), /GET/);
    assert.match(String(res.headers['access-control-allow-headers']), /Content-Type/);
    assert.equal(res.headers['access-control-max-age'], '600');
  });

  test('admin routes and the health probes answer no CORS, whatever the origin', async (t) => {
    const { app } = await build(t);
    for (const url of ['/api/v1/admin/overview', '/healthz']) {
      const res = await app.inject({ url, headers: { origin: ALLOWED } });
      assert.equal(res.headers['access-control-allow-origin'], undefined, url);
      assert.equal((await app.inject({ method: 'OPTIONS', url, headers: { origin: ALLOWED } })).statusCode, 404, url);
    }
  });
});

describe('Origin check on the websocket', () => {
  const open = (url: string, origin?: string) =>
    new Promise<{ opened: boolean; status?: number }>((resolve) => {
      const ws = new WebSocket(url, origin ? { origin } : {});
      ws.on('open', () => {
        ws.close();
        resolve({ opened: true });
      });
      ws.on('unexpected-response', (_req, res) => resolve({ opened: false, status: res.statusCode }));
      ws.on('error', () => resolve({ opened: false }));
    });

  test('another site is refused 403 before the upgrade and logged once per origin; allowed, own and no origin connect', async (t) => {
    const { app, lines } = await build(t);
    await app.listen({ host: '127.0.0.1', port: 0 });
    const port = (app.server.address() as AddressInfo).port;
    const url = `ws://127.0.0.1:${port}/ws?key=SECRET-IN-URL`;
    assert.deepEqual(await open(url, 'https://evil.example'), { opened: false, status: 403 });
    assert.deepEqual(await open(url, 'https://evil.example'), { opened: false, status: 403 });
    assert.deepEqual(await open(url, 'null'), { opened: false, status: 403 });
    assert.equal((await open(url, ALLOWED)).opened, true);
    assert.equal((await open(url, SITE)).opened, true);
    assert.equal((await open(url, `http://127.0.0.1:${port}`)).opened, true, 'a page of the address it was reached at');
    assert.equal((await open(url)).opened, true, 'no Origin: not a browser');
    const refusals = lines.filter((l) => l.includes('ws_origin_refused'));
    assert.equal(refusals.filter((l) => l.includes('evil.example')).length, 1);
    assert.equal(refusals.length, 2);
    assert.ok(!lines.join('\n').includes('SECRET-IN-URL'));
  });
});
