/**
 * The admin API's guard cannot be spelled around. The real platform runs in this process (real nginx,
 * SQLite), so its own route table is enumerated: every registered route is requested without a session,
 * through every spelling an attacker would try, through nginx and straight to the service's listener.
 * No admin route answers 2xx or 3xx (but the two declared open), nginx's callbacks are never reached,
 * and afterwards nothing has changed.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { loadConfig } from '../../server/src/config/load.js';
import { routeTable, type RouteEntry } from '../../server/src/http/app.js';
import { startPlatform, type Platform } from '../../server/src/platform.js';
import { freePort, randomKey, recordService, ROOT } from '../helpers/platform.js';
import { concrete, spellings } from '../helpers/url-spellings.js';
import { adminCall, adminLogin } from '../helpers/ws-client.js';

const PASSWORD = 'guardia-clave-segura-1';

interface Answer {
  status: number;
  body: string;
}

/** A raw request: the path goes out exactly as written (fetch would resolve dots and fix encodings). */
function raw(port: number, method: string, target: string, headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const body = method === 'GET' || method === 'HEAD' ? undefined : '{"messageId":"x","password":"x","slowModeSeconds":0,"churchName":"Pirata"}';
    const req = http.request(
      { host: '127.0.0.1', port, method, path: target, agent: false, headers: { origin: 'https://evil.example', ...(body ? { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) } : {}), ...headers }, insecureHTTPParser: true },
      (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    // nginx answers a request line it cannot parse as HTTP/0.9 would: no status line at all. A refusal.
    req.on('error', (err: NodeJS.ErrnoException) => (err.code?.startsWith('HPE_') ? resolve({ status: -1, body: '' }) : reject(err)));
    req.setTimeout(10_000, () => req.destroy(new Error(`timeout: ${method} ${target}`)));
    req.end(body);
  });
}

describe('the admin guard, whatever the spelling of the URL', { timeout: 300_000 }, () => {
  let platform: Platform;
  let httpPort: number;
  let internalPort: number;
  let base: string;
  const key = randomKey();
  let routes: RouteEntry[];

  before(async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'cdp-guard-'));
    const configFile = path.join(dataDir, 'config.json');
    // Limits out of the way: the guard must hold on its own, not because probes got rate-limited.
    writeFileSync(configFile, JSON.stringify({ rateLimits: { login: 10_000, admin: 100_000, public: 100_000 } }));
    [httpPort, internalPort] = [await freePort(), await freePort()];
    const env = {
      DATA_DIR: dataDir,
      CONFIG_FILE: configFile,
      HTTP_PORT: String(httpPort),
      RTMP_PORT: String(await freePort()),
      INTERNAL_PORT: String(internalPort),
      NGINX_STAT_PORT: String(await freePort()),
      STREAM_KEY: key,
      ADMIN_PASSWORD: PASSWORD,
      LOG_LEVEL: 'error',
    };
    recordService(dataDir, env);
    platform = await startPlatform(loadConfig(env, ROOT));
    base = `http://127.0.0.1:${httpPort}`;
    routes = routeTable(platform.app);
    // Known values the probes' bodies would change (slow mode 0, church name "Pirata").
    const admin = await adminLogin(base, PASSWORD);
    assert.equal((await adminCall(base, admin, 'PUT', '/api/v1/admin/chat/settings', { slowModeSeconds: 7 })).status, 200);
    assert.equal((await adminCall(base, admin, 'PUT', '/api/v1/admin/site', { churchName: 'Iglesia Casa del Padre' })).status, 200);
  });
  after(async () => {
    await platform?.stop();
  });

  test('the route table holds every admin route, two of them declared open', () => {
    const admin = routes.filter((r) => r.url.startsWith('/api/v1/admin/'));
    assert.ok(admin.length >= 20, `admin routes: ${admin.length}`);
    assert.deepEqual(admin.filter((r) => r.open).map((r) => `${r.method} ${r.url}`).sort(), ['GET /api/v1/admin/session', 'HEAD /api/v1/admin/session', 'POST /api/v1/admin/login']);
  });

  test('no admin route answers a visitor, through nginx or straight to the service', async () => {
    const guarded = routes.filter((r) => r.url.startsWith('/api/v1/admin/') && !r.open);
    let probes = 0;
    const leaks: string[] = [];
    for (const r of guarded) {
      const p = concrete(r.url);
      for (const target of [p, ...spellings(p)]) {
        for (const [where, port] of [['nginx', httpPort], ['service', internalPort]] as const) {
          const a = await raw(port, r.method, target);
          probes++;
          // nginx refuses odd spellings (400); the service answers 401 (or 404 for a path it does not route).
          // -1: no HTTP answer at all (a request line the server would not parse) — a refusal too.
          if (![-1, 400, 401, 404].includes(a.status) || a.body.includes(key)) leaks.push(`${where} ${r.method} ${target} → ${a.status} ${a.body.slice(0, 120)}`);
          if (a.body.includes(target) && target.length > 8) leaks.push(`${where} ${r.method} ${target}: path echoed`);
        }
      }
    }
    assert.deepEqual(leaks, [], `${leaks.length} of ${probes} probes got through`);
    assert.ok(probes > 2000, `probes: ${probes}`);
  });

  test('an unknown admin path answers 401 without echoing it, and 404 once signed in', async () => {
    const anon = await raw(internalPort, 'GET', '/api/v1/admin/no-such-thing-here');
    assert.equal(anon.status, 401);
    assert.doesNotMatch(anon.body, /no-such-thing/);
    const admin = await adminLogin(base, PASSWORD);
    const known = await adminCall(base, admin, 'GET', '/api/v1/admin/no-such-thing-here');
    assert.equal(known.status, 404);
    assert.doesNotMatch(known.text, /no-such-thing/);
  });

  test('nginx refuses what it should never forward: encoded characters, empty and dot segments, backslashes, parameters', async () => {
    for (const target of ['/api/v1/%61dmin/overview', '/%61pi/v1/status', '/api//v1/status', '/api/./v1/status', '/api/x/../v1/status', '/api/v1/status;x', '/api\\v1/status', '/video/%2e%2e/x']) {
      assert.equal((await raw(httpPort, 'GET', target)).status, 400, target);
    }
    assert.equal((await raw(httpPort, 'GET', '/api/v1/status?from=2026-12-01T00%3A00%3A00Z')).status, 200, 'a query string may carry encoded characters');
  });

  test('nginx\'s callbacks are reached by no spelling from the public port, and need the token on the internal one', async () => {
    for (const r of routes.filter((x) => x.url === '/v1/streaming/on' || x.url === '/v1/streaming/off')) {
      for (const target of [r.url, ...spellings(r.url)]) {
        const viaNginx = await raw(httpPort, r.method, target);
        assert.ok([-1, 400, 404].includes(viaNginx.status), `nginx ${r.method} ${target} → ${viaNginx.status}`);
        const direct = await raw(internalPort, r.method, target);
        assert.ok([400, 403, 404].includes(direct.status), `service ${r.method} ${target} → ${direct.status}`);
      }
    }
  });

  test('every other route answers a visitor without a 5xx or a stack trace', async () => {
    for (const r of routes.filter((x) => !x.url.startsWith('/api/v1/admin/'))) {
      const a = await raw(internalPort, r.method, concrete(r.url)).catch((err: Error) => ({ status: 0, body: `${r.method} ${r.url}: ${err.message}` }));
      assert.ok(a.status > 0, a.body);
      assert.ok(a.status < 500, `${r.method} ${r.url} → ${a.status}`);
      assert.doesNotMatch(a.body, /\bat .+\.(ts|js):\d+/, `${r.method} ${r.url} leaked a stack`);
      assert.ok(!a.body.includes(key), `${r.method} ${r.url} leaked the key`);
    }
  });

  test('after all of it, nothing changed: the key, the site, the chat settings', async () => {
    const admin = await adminLogin(base, PASSWORD);
    const keys = await adminCall(base, admin, 'GET', '/api/v1/admin/stream-keys');
    assert.deepEqual(keys.json.keys.map((k: { key: string }) => k.key), [key]);
    const site = await adminCall(base, admin, 'GET', '/api/v1/admin/site');
    assert.equal(site.json.churchName, 'Iglesia Casa del Padre');
    const settings = await adminCall(base, admin, 'GET', '/api/v1/admin/chat/settings');
    assert.equal(settings.json.slowModeSeconds, 7);
    const messages = await adminCall(base, admin, 'GET', '/api/v1/admin/chat/messages');
    assert.deepEqual(messages.json.messages, []);
  });
});
