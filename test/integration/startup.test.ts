import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { before, describe, test } from 'node:test';
import { cleanupService, ensureBuilt, freePort, publish, ROOT, sleep, startService, waitFor } from '../helpers/platform.js';

const MAIN = path.join(ROOT, 'dist', 'server', 'src', 'main.js');
const CLI = path.join(ROOT, 'dist', 'server', 'src', 'cli.js');

function run(file: string, args: string[], env: Record<string, string>, timeout = 20_000) {
  return spawnSync(process.execPath, [file, ...args], { env: { ...process.env, ...env }, encoding: 'utf8', timeout, cwd: ROOT });
}

describe('starting the platform', { timeout: 240_000 }, () => {
  before(() => ensureBuilt());

  test('an invalid setting names the field and stops before anything starts', () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'cdp-cfg-'));
    const r = run(MAIN, [], { DATA_DIR: dataDir, HTTP_PORT: 'ochenta', STREAM_NAME: 'En Vivo!' });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /HTTP_PORT \(httpPort\)/);
    assert.match(r.stderr, /STREAM_NAME \(streamName\)/);
    assert.doesNotMatch(r.stderr, /at .*\.js:\d+/, 'no stack trace');
    assert.equal(existsSync(path.join(dataDir, 'nginx', 'nginx.conf')), false, 'nothing was started or written');
  });

  test('a config file is validated too, and env wins over it', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'cdp-cfg-'));
    const file = path.join(dir, 'config.json');
    writeFileSync(file, JSON.stringify({ streamName: 'culto', ladder: [{ id: 'mid', suffix: '_mid', label: 'Media', width: 854, audioKbps: 128 }] }));
    const bad = run(MAIN, [], { DATA_DIR: dir, CONFIG_FILE: file });
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /ladder\.0/);
    writeFileSync(file, JSON.stringify({ streamName: 'culto' }));
    const banner = run(CLI, ['banner'], { DATA_DIR: dir, CONFIG_FILE: file, STREAM_NAME: 'domingo', HTTP_PORT: '8181' });
    assert.equal(banner.status, 0, banner.stderr);
    assert.match(banner.stdout, /rtmp:\/\/localhost:1935\/live/);
    assert.match(banner.stdout, /http:\/\/localhost:8181\//);
  });

  test('secrets are generated once, stored with mode 0600 and printed once', () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'cdp-sec-'));
    const first = run(CLI, ['banner'], { DATA_DIR: dataDir });
    assert.equal(first.status, 0, first.stderr);
    const file = path.join(dataDir, 'secrets.json');
    assert.equal(statSync(file).mode & 0o777, 0o600);
    const secrets = JSON.parse(readFileSync(file, 'utf8'));
    const key = secrets.streamKeys[0].key as string;
    assert.match(first.stdout, new RegExp(`clave de transmisión / stream key:\\s+${key}`, 'i'));
    assert.match(first.stdout, /admin password \(shown once\)/);
    const second = run(CLI, ['banner'], { DATA_DIR: dataDir });
    assert.match(second.stdout, new RegExp(key), 'the same key is kept');
    assert.doesNotMatch(second.stdout, /admin password/, 'the admin password is shown only the first time');
  });

  test('a forgotten admin password is replaced with cli admin-password, unless it comes from ADMIN_PASSWORD', () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'cdp-pw-'));
    assert.equal(run(CLI, ['banner'], { DATA_DIR: dataDir }).status, 0);
    const hashBefore = JSON.parse(readFileSync(path.join(dataDir, 'secrets.json'), 'utf8')).adminPasswordHash;
    const r = run(CLI, ['admin-password'], { DATA_DIR: dataDir });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /admin password: [A-Za-z0-9_-]{16}\n/);
    assert.notEqual(JSON.parse(readFileSync(path.join(dataDir, 'secrets.json'), 'utf8')).adminPasswordHash, hashBefore, 'a new hash is stored');
    const fromEnv = run(CLI, ['admin-password'], { DATA_DIR: dataDir, ADMIN_PASSWORD: 'una-clave-larga' });
    assert.equal(fromEnv.status, 2);
    assert.match(fromEnv.stderr, /ADMIN_PASSWORD/);
  });

  test('the service started without a terminal logs that secrets were generated, never the secrets', async () => {
    const svc = await startService({ STREAM_KEY: '' });
    try {
      const secrets = JSON.parse(readFileSync(path.join(svc.dataDir, 'secrets.json'), 'utf8'));
      const key = secrets.streamKeys[0].key as string;
      assert.match(svc.logs(), /"event":"secrets_generated"/);
      assert.ok(!svc.logs().includes(key), 'the generated key is not in stdout or stderr');
      assert.doesNotMatch(svc.logs(), /shown once/);
    } finally {
      await cleanupService(svc);
    }
  });

  test('a busy public port is reported clearly and nothing is left running', async () => {
    const busy = net.createServer();
    const port = await freePort();
    await new Promise<void>((r) => busy.listen(port, '0.0.0.0', () => r()));
    try {
      const dataDir = mkdtempSync(path.join(os.tmpdir(), 'cdp-port-'));
      const r = run(MAIN, [], { DATA_DIR: dataDir, HTTP_PORT: String(port), RTMP_PORT: String(await freePort()), INTERNAL_PORT: String(await freePort()), NGINX_STAT_PORT: String(await freePort()) });
      assert.equal(r.status, 1);
      assert.match(r.stderr, new RegExp(`puerto ${port} \\(HTTP\\) ya está en uso`));
      assert.doesNotMatch(r.stderr, /at .*\.js:\d+/);
    } finally {
      busy.close();
    }
  });

  test('a stale nginx pid file left by a crash is handled', async () => {
    const svc = await startService();
    try {
      await svc.stop();
      mkdirSync(path.join(svc.dataDir, 'nginx'), { recursive: true });
      writeFileSync(path.join(svc.dataDir, 'nginx', 'nginx.pid'), '999999\n');
      await svc.restart();
      assert.match(svc.logs(), /removing stale nginx pid file/);
      assert.equal((await fetch(`${svc.base}/readyz`)).status, 200);
    } finally {
      await cleanupService(svc);
    }
  });

  test('rotating the key refuses the old one without cutting the live publisher', async () => {
    const svc = await startService();
    // This instance uses stored keys (no STREAM_KEY), so they can be rotated.
    delete svc.env.STREAM_KEY;
    await svc.stop();
    const added = run(CLI, ['keys', 'add'], { ...svc.env });
    assert.equal(added.status, 0, added.stderr);
    const oldKey = added.stdout.trim().split('\t')[1]!;
    await svc.restart();
    try {
      const pub = publish(`rtmp://127.0.0.1:${svc.rtmpPort}/live/${oldKey}`);
      await waitFor('live', async () => (await svc.status()).state === 'live', 40_000, 200);
      const rotated = run(CLI, ['keys', 'rotate'], { ...svc.env });
      assert.equal(rotated.status, 0, rotated.stderr);
      const newKey = rotated.stdout.trim().split('\t')[1]!;
      assert.ok(newKey && newKey !== oldKey);
      await sleep(3000);
      assert.equal((await svc.status()).state, 'live', 'the publisher already live is not cut');
      assert.equal(pub.proc.exitCode, null);
      await pub.stop();
      const again = publish(`rtmp://127.0.0.1:${svc.rtmpPort}/live/${oldKey}`, { seconds: 8 });
      const code = await Promise.race([again.exited, sleep(12_000).then(() => 'timeout')]);
      await again.stop();
      assert.notEqual(code, 0, 'the old key is refused after rotation');
      assert.notEqual(code, 'timeout');
      const fresh = publish(`rtmp://127.0.0.1:${svc.rtmpPort}/live/${newKey}`);
      await waitFor('live with the new key', async () => (await svc.status()).state === 'live', 40_000, 200);
      await fresh.stop();
      assert.ok(!svc.logs().includes(oldKey) && !svc.logs().includes(newKey), 'no key in the logs');
    } finally {
      await cleanupService(svc);
    }
  });
});
