/**
 * TLS with a real nginx: HTTPS with a self-signed certificate, plain HTTP for ACME challenges and redirects,
 * security headers, and the renewal path — certbot's deploy hook (deploy/certbot-deploy-hook.sh) copies the
 * renewed files and reloads the service with SIGHUP, as `systemctl reload` does — proved with
 * `openssl s_client` while an HLS download and websocket clients are in progress.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { after, before, describe, test } from 'node:test';
import { cleanupService, ensureBuilt, freePort, publish, sleep, startService, waitFor, type Publisher, type ServiceHandle } from '../helpers/platform.js';
import { connect, type TestSocket } from '../helpers/ws-client.js';

// The certificates are self-signed: this process trusts whatever the test's nginx presents.
process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';

const HOOK = path.resolve(import.meta.dirname, '..', '..', 'deploy', 'certbot-deploy-hook.sh');

function makeCertificate(dir: string, cn: string): { cert: string; key: string } {
  const cert = path.join(dir, `${cn}.crt`);
  const key = path.join(dir, `${cn}.key`);
  const r = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '3', '-subj', `/CN=${cn}`, '-keyout', key, '-out', cert], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return { cert, key };
}

/** The subject of the certificate the server presents, as `openssl s_client` sees it. */
function servedSubject(port: number): string {
  const out = execFileSync('bash', ['-c', `openssl s_client -connect 127.0.0.1:${port} -servername envivo.test </dev/null 2>/dev/null | openssl x509 -noout -subject`], { encoding: 'utf8', timeout: 15_000 });
  return out.trim();
}

/** Replaces a file the way certbot's hook does: a new file renamed over the old one. */
function replaceFile(target: string, source: string): void {
  writeFileSync(`${target}.new`, readFileSync(source));
  renameSync(`${target}.new`, target);
}

/**
 * An HLS download read slowly over a raw TLS socket: resolves with the body's byte count and the declared
 * Content-Length once the server has sent everything.
 */
function slowDownload(port: number, urlPath: string, bytesPerTick: number, tickMs: number): Promise<{ status: number; length: number; received: number }> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: '127.0.0.1', port, servername: 'envivo.test', rejectUnauthorized: false }, () => {
      socket.write(`GET ${urlPath} HTTP/1.1\r\nHost: envivo.test\r\nConnection: close\r\n\r\n`);
    });
    const chunks: Buffer[] = [];
    socket.pause();
    const timer = setInterval(() => {
      const chunk = socket.read(Math.min(bytesPerTick, socket.readableLength || bytesPerTick)) as Buffer | null;
      if (chunk) chunks.push(chunk);
    }, tickMs);
    socket.on('end', () => {
      clearInterval(timer);
      const all = Buffer.concat(chunks);
      const headerEnd = all.indexOf('\r\n\r\n');
      const head = all.subarray(0, headerEnd).toString('latin1');
      resolve({
        status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0),
        length: Number(/content-length: (\d+)/i.exec(head)?.[1] ?? -1),
        received: all.length - headerEnd - 4,
      });
    });
    socket.on('error', (err) => {
      clearInterval(timer);
      reject(err);
    });
  });
}

describe('HTTPS, certificate renewal without downtime, security headers', { timeout: 240_000 }, () => {
  let svc: ServiceHandle;
  let pub: Publisher;
  let certDir: string;
  let first: { cert: string; key: string };
  let second: { cert: string; key: string };
  let httpsPort: number;
  const sockets: TestSocket[] = [];

  before(async () => {
    ensureBuilt();
    certDir = mkdtempSync(path.join(os.tmpdir(), 'cdp-tls-'));
    first = makeCertificate(certDir, 'primero.envivo.test');
    second = makeCertificate(certDir, 'segundo.envivo.test');
    const live = path.join(certDir, 'live');
    mkdirSync(live);
    replaceFile(path.join(live, 'fullchain.pem'), first.cert);
    replaceFile(path.join(live, 'privkey.pem'), first.key);
    httpsPort = await freePort();
    svc = await startService({ ADMIN_PASSWORD: 'clave-de-prueba-tls-1', TLS_CERT_FILE: path.join(live, 'fullchain.pem'), TLS_KEY_FILE: path.join(live, 'privkey.pem'), HTTPS_PORT: String(httpsPort) });
    pub = publish(`rtmp://127.0.0.1:${svc.rtmpPort}/live/${svc.key}`, { size: '854x480' });
    await waitFor('live over HTTPS', async () => (await svc.status()).state === 'live', 60_000, 250);
  });
  after(async () => {
    for (const s of sockets) s.close();
    await pub?.stop();
    await cleanupService(svc);
  });

  test('HTTPS serves the app and HLS with HSTS; plain HTTP answers ACME challenges and redirects the rest', async () => {
    assert.match(servedSubject(httpsPort), /CN ?= ?primero\.envivo\.test/);
    const page = await fetch(`${svc.base}/`);
    assert.equal(page.status, 200);
    assert.equal(page.headers.get('strict-transport-security'), 'max-age=63072000');
    const playlist = await fetch(`${svc.base}/video/envivo/index.m3u8`);
    assert.equal(playlist.status, 200);
    assert.match(await playlist.text(), /#EXTM3U/);

    const challenge = path.join(svc.dataDir, 'acme', '.well-known', 'acme-challenge', 'tok-123');
    writeFileSync(challenge, 'tok-123.thumbprint');
    const acme = await fetch(`http://127.0.0.1:${svc.httpPort}/.well-known/acme-challenge/tok-123`, { redirect: 'manual' });
    assert.equal(acme.status, 200);
    assert.equal(await acme.text(), 'tok-123.thumbprint');
    for (const p of ['/', '/admin', '/api/v1/status?x=1', '/video/envivo.m3u8']) {
      const r = await fetch(`http://127.0.0.1:${svc.httpPort}${p}`, { redirect: 'manual' });
      assert.equal(r.status, 301, p);
      assert.equal(r.headers.get('location'), `https://127.0.0.1:${httpsPort}${p}`);
    }
  });

  test('cookies are Secure over HTTPS although PUBLIC_URL was left on http', async () => {
    const session = await fetch(`${svc.base}/api/v1/session`);
    assert.match(session.headers.get('set-cookie') ?? '', /^cdp_sid=[^;]+;.*; Secure$/);
    const login = await fetch(`${svc.base}/api/v1/admin/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ password: 'clave-de-prueba-tls-1' }) });
    assert.equal(login.status, 200);
    const cookies = login.headers.getSetCookie();
    assert.equal(cookies.length, 2, 'the session and the admin-device cookie');
    for (const c of cookies) assert.match(c, /; HttpOnly; SameSite=Strict; .*; Secure$/, c.split('=')[0]);
  });

  test('pages carry a CSP without unsafe-inline; only /embed may be framed by other sites', async () => {
    const page = await fetch(`${svc.base}/`);
    const csp = page.headers.get('content-security-policy') ?? '';
    assert.match(csp, /script-src 'self';/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
    assert.match(csp, /frame-ancestors 'self'/);
    assert.equal(page.headers.get('x-frame-options'), 'SAMEORIGIN');
    assert.equal(page.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(page.headers.get('referrer-policy'), 'strict-origin-when-cross-origin');
    for (const p of ['/embed', '/embed?autoplay=1']) {
      const embed = await fetch(`${svc.base}${p}`);
      assert.match(embed.headers.get('content-security-policy') ?? '', /frame-ancestors \*/, p);
      assert.equal(embed.headers.get('x-frame-options'), null, p);
    }
    const admin = await fetch(`${svc.base}/admin`);
    assert.match(admin.headers.get('content-security-policy') ?? '', /frame-ancestors 'self'/);
    const api = await fetch(`${svc.base}/api/v1/status`);
    assert.equal(api.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(api.headers.get('strict-transport-security'), 'max-age=63072000');
  });

  test('a certificate renewed through the certbot deploy hook is served while an HLS download and the websockets carry on', async () => {
    const wss = `wss://127.0.0.1:${httpsPort}/ws`;
    const join = async (nick: string) => {
      const s = await connect(wss);
      sockets.push(s);
      await s.next((m) => m.type === 'history', 'history');
      s.send({ type: 'hello', nick });
      await s.next((m) => m.type === 'welcome', 'welcome');
      return s;
    };
    const ana = await join('Ana');
    const beto = await join('Beto');
    const statesSeen = new Set<string>();
    const watch = setInterval(() => void svc.status().then((s) => statesSeen.add(s.state), () => statesSeen.add('unreachable')), 200);

    // A segment of the source read at ~64 KB/s: still downloading when the reload happens.
    const playlist = await (await fetch(`${svc.base}/video/envivo/index.m3u8`)).text();
    const segment = playlist.split('\n').filter((l) => l.endsWith('.ts')).at(-1)!;
    const download = slowDownload(httpsPort, `/video/envivo/${segment}`, 16 * 1024, 250);

    // The renewal as it happens in production: certbot renews into its lineage folder and runs our deploy
    // hook, which checks and copies the files to where the service reads them and asks for a reload (here
    // the SIGHUP that `systemctl reload casadelpadre` sends).
    assert.match(servedSubject(httpsPort), /primero/);
    const servicePid = svc.proc.pid!;
    const mediaNginx = readFileSync(path.join(svc.dataDir, 'nginx', 'nginx.pid'), 'utf8').trim();
    const webNginx = readFileSync(path.join(svc.dataDir, 'nginx-web', 'nginx.pid'), 'utf8').trim();
    const lineage = path.join(certDir, 'letsencrypt', 'live', 'envivo.test');
    mkdirSync(lineage, { recursive: true });
    copyFileSync(second.cert, path.join(lineage, 'fullchain.pem'));
    copyFileSync(second.key, path.join(lineage, 'privkey.pem'));
    const reload = path.join(certDir, 'reload.sh');
    writeFileSync(reload, `#!/bin/sh\nexec kill -HUP ${servicePid}\n`, { mode: 0o755 });
    const hook = spawnSync('bash', [HOOK], {
      encoding: 'utf8',
      env: {
        PATH: process.env.PATH,
        RENEWED_LINEAGE: lineage,
        CASADELPADRE_TLS_DIR: path.join(certDir, 'live'),
        CASADELPADRE_GROUP: execFileSync('id', ['-gn'], { encoding: 'utf8' }).trim(),
        CASADELPADRE_RELOAD_CMD: reload,
      },
    });
    assert.equal(hook.status, 0, hook.stderr);
    assert.match(hook.stdout, /reloaded/);
    const reloadedAt = Date.now();
    await waitFor('the new certificate to be served', () => /segundo/.test(servedSubject(httpsPort)), 10_000, 200);
    console.log(`FIGURE tls-reload-to-new-certificate-s=${((Date.now() - reloadedAt) / 1000).toFixed(2)}`);

    const got = await download;
    assert.equal(got.status, 200);
    assert.ok(got.length > 0 && got.received === got.length, `the download in progress completed whole (${got.received} of ${got.length} bytes)`);

    // The sockets opened before the reload still talk to each other, and to one opened after it.
    assert.equal(ana.closed, null, 'Ana was not disconnected');
    assert.equal(beto.closed, null, 'Beto was not disconnected');
    const carla = await join('Carla');
    ana.send({ type: 'chat', text: 'Sigue funcionando', clientId: 'after-reload' });
    await ana.next((m) => m.type === 'ack' && m.clientId === 'after-reload', 'ack after the reload');
    await beto.next((m) => m.type === 'chat' && m.message.text === 'Sigue funcionando', 'old socket gets it');
    await carla.next((m) => m.type === 'chat' && m.message.text === 'Sigue funcionando', 'new socket gets it');

    // The platform reloaded, it did not restart: same service, same nginx masters, the stream stayed live.
    await sleep(3000);
    clearInterval(watch);
    assert.equal(svc.proc.pid, servicePid);
    assert.equal(svc.proc.exitCode, null);
    assert.equal(readFileSync(path.join(svc.dataDir, 'nginx', 'nginx.pid'), 'utf8').trim(), mediaNginx, 'the RTMP nginx was not touched');
    assert.equal(readFileSync(path.join(svc.dataDir, 'nginx-web', 'nginx.pid'), 'utf8').trim(), webNginx, 'the web nginx reloaded in place');
    assert.deepEqual([...statesSeen], ['live'], 'viewers saw "live" throughout');
    assert.match(svc.logs(), /"event":"nginx_reloaded".*segundo\.envivo\.test/);
  });

  test('a broken certificate is refused on reload: the previous one stays and nothing stops', async () => {
    writeFileSync(path.join(certDir, 'broken.key'), '-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n');
    replaceFile(path.join(certDir, 'live', 'privkey.pem'), path.join(certDir, 'broken.key'));
    svc.proc.kill('SIGHUP');
    await waitFor('the refusal in the log', () => /"event":"reload_failed"/.test(svc.logs()), 10_000);
    assert.match(servedSubject(httpsPort), /segundo/);
    assert.equal((await fetch(`${svc.base}/readyz`)).status, 200);
    assert.equal((await svc.status()).state, 'live');
    // Fixed files: the next reload works again.
    replaceFile(path.join(certDir, 'live', 'privkey.pem'), second.key);
  });
});
