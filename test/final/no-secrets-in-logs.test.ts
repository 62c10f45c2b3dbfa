/**
 * No secret in any log. Runs last (scripts/run-tests.mjs puts test/final after everything else) and reads
 * every log that the integration run left — the service's stdout and stderr (what journald would keep) and
 * both nginx instances' log files — for every secret those services knew: stream keys, the admin
 * password, the callback token, the session secret, the metrics token. It first runs its own service
 * through everything that handles secrets, so it proves something when run alone too.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { cleanupService, ensureBuilt, publish, randomKey, startService, waitFor } from '../helpers/platform.js';
import { adminCall, adminLogin } from '../helpers/ws-client.js';

/** Log files of one service's data folder: *.log and *.err, and whatever is in nginx's logs folders. */
function logFiles(dataDir: string): string[] {
  const out: string[] = [];
  const walk = (dir: string, inLogs: boolean) => {
    let names: string[] = [];
    try {
      names = readdirSync(dir);
    } catch {
      return;
    }
    for (const name of names) {
      const full = path.join(dir, name);
      let st;
      try {
        st = statSync(full);
      } catch {
        continue;
      }
      if (st.isDirectory()) {
        if (name !== 'media') walk(full, inLogs || name === 'logs');
      } else if (inLogs || /\.(log|err)$/.test(name)) out.push(full);
    }
  };
  walk(dataDir, false);
  return out;
}

/** Every secret a data folder holds (stored keys, tokens) plus the ones the service was given. */
function secretsOf(dataDir: string, given: string[]): string[] {
  const found = new Set(given);
  const file = path.join(dataDir, 'secrets.json');
  if (existsSync(file)) {
    const s = JSON.parse(readFileSync(file, 'utf8')) as { streamKeys?: { key: string }[]; callbackToken?: string; sessionSecret?: string };
    for (const k of s.streamKeys ?? []) found.add(k.key);
    if (s.callbackToken) found.add(s.callbackToken);
    if (s.sessionSecret) found.add(s.sessionSecret);
  }
  // Simulcast destinations' keys (DATA_DIR/simulcast.json) are secrets too.
  const simulcast = path.join(dataDir, 'simulcast.json');
  if (existsSync(simulcast)) {
    const d = JSON.parse(readFileSync(simulcast, 'utf8')) as { destinations?: { key: string }[] };
    for (const x of d.destinations ?? []) found.add(x.key);
  }
  return [...found].filter((v) => v.length >= 8);
}

/** Where a secret shows in the files, as "file: …context…" lines (none expected). */
function findSecrets(files: string[], secrets: string[]): string[] {
  const hits: string[] = [];
  for (const f of files) {
    const text = readFileSync(f, 'utf8');
    for (const secret of secrets) {
      for (const form of new Set([secret, encodeURIComponent(secret)])) {
        const at = text.indexOf(form);
        if (at >= 0) hits.push(`${f}: …${text.slice(Math.max(0, at - 60), at).replace(/\s+/g, ' ')}[SECRET]…`);
      }
    }
  }
  return hits;
}

describe('no secret in any log', { timeout: 240_000 }, () => {
  test('the detector finds a secret planted in a log', () => {
    const dir = path.join(process.env.CDP_TEST_RUN_DIR ?? '/tmp', `planted-${process.pid}`);
    mkdirSync(path.join(dir, 'nginx', 'logs'), { recursive: true });
    writeFileSync(path.join(dir, 'nginx', 'logs', 'access.log'), '127.0.0.1 "GET /live/Abcdefgh12345678XYZ" 200\n');
    try {
      assert.equal(findSecrets(logFiles(dir), ['Abcdefgh12345678XYZ']).length, 1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a service taken through every secret-handling path logs none of them', async () => {
    ensureBuilt();
    const password = `clave-${randomKey().slice(0, 12)}`;
    const metricsToken = randomKey();
    const svc = await startService({ ADMIN_PASSWORD: password, METRICS_TOKEN: metricsToken, SESSION_SECRET: randomKey() + randomKey() });
    try {
      // A publisher with the key, one with a wrong key, and one with a key in a query string.
      const good = publish(`rtmp://127.0.0.1:${svc.rtmpPort}/live/${svc.key}`, { size: '640x360' });
      await waitFor('live', async () => (await svc.status()).state === 'live', 60_000, 250);
      const wrong = publish(`rtmp://127.0.0.1:${svc.rtmpPort}/live/${randomKey()}?key=${svc.key}`, { size: '320x240', seconds: 2 });
      await wrong.exited;
      // Logins, right and wrong; a key rotation shown to the admin; metrics with the right and wrong token.
      await fetch(`${svc.base}/api/v1/admin/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ password: `${password}x` }) });
      const admin = await adminLogin(svc.base, password);
      const keys = await adminCall(svc.base, admin, 'GET', '/api/v1/admin/stream-keys');
      assert.equal(keys.status, 200);
      await fetch(`${svc.base}/metrics`, { headers: { authorization: `Bearer ${metricsToken}` } });
      await fetch(`${svc.base}/metrics`, { headers: { authorization: `Bearer ${metricsToken}x` } });
      await fetch(`${svc.base}/video/${svc.key}/index.m3u8`);
      await good.stop();
      await svc.stop();
      const files = logFiles(svc.dataDir);
      assert.ok(files.some((f) => f.endsWith('service.log')) && files.some((f) => f.includes(`${path.sep}nginx-web${path.sep}logs`)), `logs found: ${files.join(', ')}`);
      const hits = findSecrets(files, [...secretsOf(svc.dataDir, [svc.key, password, metricsToken, svc.env.SESSION_SECRET!])]);
      assert.deepEqual(hits, []);
    } finally {
      await cleanupService(svc);
    }
  });

  test('every log of this test run is free of the secrets its services knew', { skip: process.env.CDP_TEST_RUN_DIR ? false : 'only under scripts/run-tests.mjs' }, () => {
    const manifest = path.join(process.env.CDP_TEST_RUN_DIR!, 'services.jsonl');
    assert.ok(existsSync(manifest), 'the integration run recorded its services');
    const services = readFileSync(manifest, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { dataDir: string; secrets: string[] });
    let files = 0;
    const hits: string[] = [];
    for (const s of services) {
      const logs = logFiles(s.dataDir);
      files += logs.length;
      hits.push(...findSecrets(logs, secretsOf(s.dataDir, s.secrets)));
    }
    console.log(`FIGURE secrets-scan services=${services.length} files=${files}`);
    assert.ok(services.length >= 10, `only ${services.length} services recorded`);
    assert.deepEqual(hits, []);
  });
});
