/**
 * The church's existing frontend as it is deployed, in a real Chromium against the real built service
 * (nginx, the ffmpeg ladder) and a real ffmpeg publisher:
 *  - its page on another origin (a second loopback port, a tiny node server here) reading the legacy REST,
 *    opening /v1/websocket and playing stream_url with hls.js once `stream-started` arrives (CORS_ORIGINS);
 *  - a page of an origin not listed: the browser blocks the reads, the socket is refused and logged once;
 *  - its build served by our nginx at /iglesia/ (LEGACY_FRONTEND_DIR): its inline runtime script runs.
 * The page is test/fixtures/legacy-frontend: it does what the old frontend does, with the same API calls.
 * The tests share one service and run in order (the stream goes live in the first one).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Response } from 'playwright-core';
import { reachableAddresses } from '../../server/src/config/public-url.js';
import { cleanupService, freePort, publish, ROOT, startService, waitFor, type Publisher, type ServiceHandle } from '../helpers/platform.js';
import { adminCall, adminLogin, connect } from '../helpers/ws-client.js';
import { describeProblems, launchBrowser, newViewer, type Viewer } from './browser.js';

const FIXTURE = path.join(ROOT, 'test', 'fixtures', 'legacy-frontend');
const HLS_JS = path.join(ROOT, 'node_modules', 'hls.js', 'dist', 'hls.min.js');
const PASSWORD = 'clave-de-prueba-legacy';

interface LegacyRecord {
  runtime: unknown;
  errors: string[];
  online: { online: boolean; stream_url: string } | null;
  streaming: { online: boolean; streams: Record<string, string>; chat: unknown[]; viewers: number } | null;
  frames: { action: string; data: any }[];
  wsOpen: boolean;
  wsClosed?: number;
  manifest: boolean;
  playing: boolean;
}

/** The old frontend's build as another web server would serve it, its API base pointing at our server. */
async function pageServer(apiBase: string): Promise<{ origin: string; close(): Promise<void> }> {
  const index = readFileSync(path.join(FIXTURE, 'index.html'), 'utf8').replace(
    '<title>',
    `<meta name="api-base" content="${apiBase}"><script src="/hls.js"></script><title>`,
  );
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const file = url.pathname === '/hls.js' ? HLS_JS : url.pathname.startsWith('/static/') ? path.join(FIXTURE, path.normalize(url.pathname)) : null;
    if (url.pathname === '/favicon.ico') res.writeHead(204).end();
    else if (url.pathname === '/') res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(index);
    else if (file) res.writeHead(200, { 'content-type': 'application/javascript' }).end(readFileSync(file));
    else res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise((r) => server.close(() => r())) };
}

const record = (v: Viewer) => v.page.evaluate(() => (window as unknown as { __legacy?: LegacyRecord }).__legacy ?? null);

describe('the existing frontend, cross-origin and same-origin (Chromium)', { timeout: 180_000 }, () => {
  let svc: ServiceHandle | undefined;
  let browser: Browser | undefined;
  let base: string;
  let allowed: Awaited<ReturnType<typeof pageServer>> | undefined;
  let other: Awaited<ReturnType<typeof pageServer>> | undefined;
  let publisher: Publisher | undefined;
  const viewers: Viewer[] = [];
  /** Every answer our server gave the browsers, for the stream-key check. */
  const answers: { url: string; body: string; headers: Record<string, string> }[] = [];
  const open = async (url: string) => {
    const v = await newViewer(browser!);
    viewers.push(v);
    await v.context.addInitScript(() => {
      const w = window as unknown as { __csp: string[] };
      w.__csp = [];
      document.addEventListener('securitypolicyviolation', (e) => w.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
    });
    v.page.on('response', (r: Response) => {
      if (!r.url().startsWith(base) || r.url().endsWith('.ts')) return;
      void r.text().then((body) => answers.push({ url: r.url(), body, headers: r.headers() }), () => undefined);
    });
    await v.page.goto(url);
    return v;
  };

  before(async () => {
    const httpPort = await freePort();
    base = `http://127.0.0.1:${httpPort}`;
    allowed = await pageServer(base);
    other = await pageServer(base);
    svc = await startService({
      HTTP_PORT: String(httpPort),
      PUBLIC_URL: base,
      CORS_ORIGINS: `${allowed.origin}/`,
      LEGACY_FRONTEND_DIR: FIXTURE,
      ADMIN_PASSWORD: PASSWORD,
    });
    browser = await launchBrowser();
  });

  after(async () => {
    for (const v of viewers) await v.close();
    await browser?.close();
    await publisher?.stop();
    await cleanupService(svc);
    await allowed?.close();
    await other?.close();
  });

  test('from an allowed origin it reads the API, gets the audience at once, and plays stream_url after stream-started', async () => {
    const v = await open(`${allowed!.origin}/`);
    const first = await waitFor('the old frontend to read the API and open its socket', async () => {
      const r = await record(v);
      return r?.online && r.streaming && r.wsOpen && r.frames.some((f) => f.action === 'viewers-refresh') ? r : undefined;
    }, 10_000);
    assert.deepEqual(first.errors, []);
    assert.equal(first.online!.online, false);
    assert.equal(first.online!.stream_url, `${base}/video/envivo.m3u8`, 'an absolute URL built from PUBLIC_URL');
    assert.deepEqual(Object.keys(first.streaming!.streams).sort(), ['240p', '480p', '720p']);
    for (const url of Object.values(first.streaming!.streams)) assert.ok(url.startsWith(`${base}/video/envivo`), url);
    assert.ok(first.frames.find((f) => f.action === 'viewers-refresh')!.data.viewers >= 1, 'it counts itself');
    // Bodies are read after the page got them: wait for both answers to be recorded.
    const rest = await waitFor('both REST answers recorded', () => {
      const list = answers.filter((a) => /\/v1\/streaming(\/online)?$/.test(a.url));
      return list.length >= 2 ? list : undefined;
    }, 5000);
    for (const a of rest) {
      assert.equal(a.headers['access-control-allow-origin'], allowed!.origin, a.url);
      assert.match(a.headers.vary ?? '', /Origin/, a.url);
    }

    publisher = publish(`rtmp://127.0.0.1:${svc!.rtmpPort}/live/${svc!.key}`);
    const live = await waitFor('stream-started, then hls.js playing stream_url', async () => {
      const r = await record(v);
      return r?.frames.some((f) => f.action === 'stream-started') && r.manifest && r.playing ? r : undefined;
    }, 60_000, 250);
    assert.equal(live.online!.online, true);
    assert.deepEqual(live.errors, []);
    assert.deepEqual(v.unexpectedProblems(), [], describeProblems(v.problems));
  });

  test('a preflight is answered through nginx, and a page that asks for one still reads', async () => {
    const res = await fetch(`${base}/v1/streaming/online`, { method: 'OPTIONS', headers: { origin: allowed!.origin, 'access-control-request-method': 'GET', 'access-control-request-headers': 'content-type' } });
    assert.equal(res.status, 204);
    assert.equal(res.headers.get('access-control-allow-origin'), allowed!.origin);
    assert.match(res.headers.get('access-control-allow-methods') ?? '', /GET/);
    assert.match(res.headers.get('access-control-allow-headers') ?? '', /Content-Type/);
    assert.ok(Number(res.headers.get('access-control-max-age')) > 0);
    const v = viewers[0]!;
    const body = await v.page.evaluate(async (api) => {
      const r = await fetch(`${api}/v1/streaming`, { headers: { 'Content-Type': 'application/json' } });
      return (await r.json()) as { online: boolean };
    }, base);
    assert.equal(body.online, true);
  });

  test('from an origin not listed the browser blocks the reads and the socket; the server logs one refusal', async () => {
    const pages = [await open(`${other!.origin}/`), await open(`${other!.origin}/`)];
    for (const v of pages) {
      const r = await waitFor('the reads and the socket to fail', async () => {
        const rec = await record(v);
        return rec && rec.errors.length >= 3 && rec.wsClosed !== undefined ? rec : undefined;
      }, 10_000);
      assert.equal(r.online, null);
      assert.equal(r.streaming, null);
      assert.equal(r.wsOpen, false);
      assert.ok(r.errors.some((e) => /^online: TypeError/.test(e)), r.errors.join('; '));
      assert.ok(r.errors.some((e) => /^streaming: TypeError/.test(e)), r.errors.join('; '));
    }
    const refusals = svc!.logs().split('\n').filter((l) => l.includes('"ws_origin_refused"'));
    assert.equal(refusals.length, 1, refusals.join('\n'));
    assert.equal(JSON.parse(refusals[0]!).origin, other!.origin);
    const direct = await fetch(`${base}/v1/streaming`, { headers: { origin: other!.origin } });
    assert.equal(direct.status, 200);
    assert.equal(direct.headers.get('access-control-allow-origin'), null);
  });

  test('a second legacy socket of the same browser is told the audience at once, though it did not change', async () => {
    const a = await connect(`ws://127.0.0.1:${svc!.httpPort}/v1/websocket`);
    await a.next((m) => m.action === 'viewers-refresh', 'the first socket counted', 3000);
    const b = await connect(`ws://127.0.0.1:${svc!.httpPort}/v1/websocket`, { cookie: a.cookie });
    const t0 = Date.now();
    const msg = await b.next((m) => m.action === 'viewers-refresh', 'viewers-refresh on connect', 1000);
    assert.ok(Date.now() - t0 < 1000);
    assert.ok(msg.data.viewers >= 1);
    a.close();
    b.close();
  });

  test('through nginx, a page of the site at the address it was reached by opens the sockets; a look-alike does not', async () => {
    const port = svc!.httpPort;
    const tryOpen = (pathname: string, host: string, origin: string) =>
      new Promise<number>((resolve) => {
        void connect(`ws://127.0.0.1:${port}${pathname}`, { headers: { host, origin } }).then(
          (s) => {
            s.close();
            resolve(101);
          },
          (err: Error) => resolve(/\b403\b/.test(err.message) ? 403 : 0),
        );
      });
    for (const pathname of ['/ws', '/v1/websocket']) {
      assert.equal(await tryOpen(pathname, `iglesia.test:${port}`, `http://iglesia.test:${port}`), 101, pathname);
      assert.equal(await tryOpen(pathname, `iglesia.test:${port}`, `http://iglesia.test:${port + 1}`), 403, pathname);
      assert.equal(await tryOpen(pathname, `iglesia.test:${port}`, `https://iglesia.test:${port}`), 403, pathname);
    }
  });

  test('served by our nginx at /iglesia/, the build runs its inline script under a CSP that allows exactly it', async () => {
    const redirect = await fetch(`${base}/iglesia`, { redirect: 'manual' });
    assert.equal(redirect.status, 301);
    assert.equal(redirect.headers.get('location'), '/iglesia/');
    const v = await open(`${base}/iglesia/`);
    const r = await waitFor('the old frontend to run on our origin', async () => {
      const rec = await record(v);
      return rec?.online && rec.streaming && rec.wsOpen ? rec : undefined;
    }, 10_000);
    assert.deepEqual(r.runtime, { chunks: 0, loaded: true }, 'the inline runtime script ran');
    assert.deepEqual(r.errors, []);
    assert.deepEqual(await v.page.evaluate(() => (window as unknown as { __csp: string[] }).__csp), []);
    assert.deepEqual(v.unexpectedProblems(), [], describeProblems(v.problems));
    const page = answers.find((a) => a.url === `${base}/iglesia/`)!;
    assert.match(page.headers['content-security-policy'] ?? '', /script-src 'self' 'sha256-[A-Za-z0-9+/=]{44}';/);
    assert.doesNotMatch(page.headers['content-security-policy'] ?? '', /script-src[^;]*unsafe-inline/);
  });

  test('the admin overview says whether PUBLIC_URL still names this machine', async () => {
    const admin = await adminLogin(base, PASSWORD);
    const o = await adminCall(base, admin, 'GET', '/api/v1/admin/overview');
    assert.equal(o.json.publicUrl.url, base);
    assert.equal(o.json.publicUrl.local, reachableAddresses().length > 0);
  });

  test('the stream key appears in no answer', async () => {
    for (const url of ['/v1/streaming', '/v1/streaming/online', '/api/v1/status', '/video/envivo.m3u8']) {
      answers.push({ url, body: await (await fetch(`${base}${url}`)).text(), headers: {} });
    }
    assert.ok(answers.length > 8);
    for (const a of answers) assert.ok(!a.body.includes(svc!.key) && !JSON.stringify(a.headers).includes(svc!.key), a.url);
  });
});
