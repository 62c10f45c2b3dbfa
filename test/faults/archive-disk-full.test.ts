/**
 * Fault suite, archive: the recordings disk fills up mid-broadcast. The recording stops with a clear error
 * in the admin, the live stream goes on, what was written is kept, and it is finalised once the broadcast
 * ends and there is room again (here: at the next start).
 *
 * Needs root to mount a small tmpfs on DATA_DIR/recordings; skipped with the reason otherwise.
 */
import assert from 'node:assert/strict';
import { closeSync, mkdirSync, mkdtempSync, openSync, readdirSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { figure } from '../helpers/faults.js';
import { mountTmpfs, unmountTmpfs } from '../helpers/tmpfs.js';
import { cleanupService, ensureBuilt, publish, startService, waitFor, watchStates, type Publisher, type ServiceHandle } from '../helpers/platform.js';

const PASSWORD = 'clave-de-prueba-disco';

describe('the recordings disk fills up mid-broadcast', { timeout: 200_000 }, () => {
  let svc: ServiceHandle | undefined;
  let pub: Publisher | undefined;
  let dataDir = '';
  let recDir = '';
  let mounted = false;
  let skipReason: string | undefined;

  before(async () => {
    ensureBuilt();
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'cdp-archivefull-'));
    recDir = path.join(dataDir, 'recordings');
    mkdirSync(recDir);
    skipReason = mountTmpfs(recDir, '48m');
    if (skipReason) return;
    mounted = true;
    const config = path.join(dataDir, 'config.json');
    writeFileSync(config, JSON.stringify({ archive: { minFreeMb: 4 } }));
    svc = await startService({ DATA_DIR: dataDir, CONFIG_FILE: config, ADMIN_PASSWORD: PASSWORD, GRACE_SECONDS: '3' });
    svc.dataDir = dataDir;
  });
  after(async () => {
    await pub?.stop();
    await cleanupService(svc);
    if (mounted) unmountTmpfs(recDir);
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('the recording stops with a clear admin error, live goes on, and what was written is kept and finalised', async (t) => {
    if (skipReason || !svc) {
      t.skip(skipReason ?? 'service not started');
      return;
    }
    const s = svc;
    const login = await fetch(`${s.base}/api/v1/admin/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ password: PASSWORD }) });
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
    const listing = async () => (await (await fetch(`${s.base}/api/v1/admin/recordings`, { headers: { cookie } })).json()) as { recordings: { id: string; status: string; duration: number }[]; health: { error: { code: string; message: string } | null } };

    pub = publish(`rtmp://127.0.0.1:${s.rtmpPort}/live/${s.key}`, { size: '640x360' });
    await waitFor('live', async () => (await s.status()).state === 'live', 45_000, 200);
    const rec = await waitFor('a recording being written', async () => (await listing()).recordings.find((r) => r.status === 'recording'), 10_000, 200);
    const dir = path.join(recDir, rec.id);
    await waitFor('a few seconds recorded', () => readdirSync(dir).some((f) => f.startsWith('part-') && statSync(path.join(dir, f)).size > 400_000), 20_000, 200);
    const states = await watchStates(s.base);

    // Fill it.
    const filler = path.join(recDir, 'filler.bin');
    const fd = openSync(filler, 'w');
    for (const size of [1024 * 1024, 4096]) {
      const chunk = Buffer.alloc(size, 0x55);
      for (;;) {
        try {
          writeSync(fd, chunk);
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code === 'ENOSPC') break;
          throw err;
        }
      }
    }
    closeSync(fd);
    const fullAt = Date.now();
    const full = await waitFor('the admin to report the full disk', async () => {
      const l = await listing();
      return l.health.error?.code === 'disk_full' ? l : undefined;
    }, 15_000, 200);
    figure('archive-disk-full-detect-s', (Date.now() - fullAt) / 1000);
    assert.match(full.health.error!.message, /^Disco lleno: la grabación se detuvo .* \/ disk full: the recording stopped/);
    const partsAtStop = readdirSync(dir).filter((f) => f.startsWith('part-')).map((f) => statSync(path.join(dir, f)).size);
    assert.ok(partsAtStop.reduce((a, b) => a + b, 0) > 400_000, 'what was written is kept');
    assert.equal((await s.status()).state, 'live', 'the live stream goes on');
    assert.ok(!states.states.includes('offline'));
    states.close();

    // The broadcast ends while the disk is still full; room returns; the next start finalises it.
    await pub.stop();
    await waitFor('offline', async () => (await s.status()).state === 'offline', 30_000, 200);
    rmSync(filler);
    await s.stop();
    await s.restart();
    const done = await waitFor('the recording finalised', async () => (await (await fetch(`${s.base}/api/v1/recordings`)).json() as { recordings: { id: string; duration: number }[] }).recordings.find((r) => r.id === rec.id), 60_000, 250);
    assert.ok(done.duration >= 2, `kept ${done.duration} s`);
  });
});
