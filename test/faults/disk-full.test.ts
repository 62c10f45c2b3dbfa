/**
 * Fault suite, disk: the disk the HLS segments are written to fills up mid-broadcast. The admin's health
 * says so plainly, the chat keeps working (its database is elsewhere), and the stream comes back by itself
 * once space is freed.
 *
 * Needs root to mount a small tmpfs on DATA_DIR/media; skipped with the reason otherwise.
 */
import assert from 'node:assert/strict';
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, statfsSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { mountTmpfs, unmountTmpfs } from '../helpers/tmpfs.js';
import { cleanupService, ensureBuilt, sleep, startService, waitFor, watchStates, type ServiceHandle } from '../helpers/platform.js';
import { connect, type TestSocket } from '../helpers/ws-client.js';
import { figure, playlistPoint, retryingPublisher, type RetryingPublisher } from '../helpers/faults.js';

const TMPFS_SIZE = '64m';

describe('the HLS disk fills up mid-broadcast', { timeout: 200_000 }, () => {
  let svc: ServiceHandle | undefined;
  let pub: RetryingPublisher | undefined;
  let dataDir = '';
  let mediaDir = '';
  let mounted = false;
  let skipReason: string | undefined;
  const sockets: TestSocket[] = [];
  let filler: { fd: number; timer: NodeJS.Timeout } | undefined;
  const fillerFile = () => path.join(mediaDir, 'filler.bin');

  /** Writes until the disk refuses (ENOSPC); keeps the file open to top it up as nginx's cleanup frees room. */
  const topUp = (fd: number) => {
    for (const size of [1024 * 1024, 64 * 1024, 4096, 512]) {
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
  };
  const releaseFiller = () => {
    if (!filler) return;
    clearInterval(filler.timer);
    closeSync(filler.fd);
    filler = undefined;
    rmSync(fillerFile(), { force: true });
  };

  before(async () => {
    ensureBuilt();
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'cdp-diskfull-'));
    mediaDir = path.join(dataDir, 'media');
    mkdirSync(mediaDir);
    skipReason = mountTmpfs(mediaDir, TMPFS_SIZE);
    if (skipReason) return;
    mounted = true;
    svc = await startService({ DATA_DIR: dataDir });
    // startService made its own temp folder for logs; the data (and nginx's pid file) live in ours.
    svc.dataDir = dataDir;
  });
  after(async () => {
    for (const s of sockets) s.close();
    releaseFiller();
    await pub?.stop();
    await cleanupService(svc);
    if (mounted) unmountTmpfs(mediaDir);
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('health reports the full disk, the chat still works, and the stream recovers when space returns', async (t) => {
    if (skipReason || !svc) {
      t.skip(skipReason ?? 'service not started');
      return;
    }
    const s = svc;
    const allReady = (st: { renditions: { ready: boolean }[] }) => st.renditions.length > 0 && st.renditions.every((r) => r.ready);
    // Like OBS: nginx may drop the publisher when it cannot write; it reconnects on its own.
    pub = retryingPublisher(`rtmp://127.0.0.1:${s.rtmpPort}/live/${s.key}`, 2000);
    await waitFor('live with every rendition', async () => {
      const st = await s.status();
      return st.state === 'live' && allReady(st);
    }, 45_000, 200);
    const healthy = await waitFor('a storage reading', async () => ((await s.health()).storage ? s.health() : undefined), 10_000, 200);
    assert.equal(healthy.storage.ok, true, JSON.stringify(healthy.storage));
    assert.equal(healthy.storage.problem, undefined, JSON.stringify(healthy.storage));
    assert.ok(!healthy.advice.includes('disk_full'));
    assert.ok(healthy.storage.totalBytes > 0 && healthy.storage.totalBytes <= 64 * 1024 * 1024, 'the reading is of the small disk under the HLS folder');
    assert.ok(!JSON.stringify(healthy.storage).includes(dataDir), 'no server path in the health answer');
    figure('disk-hls-used-mb-while-live', (healthy.storage.totalBytes - healthy.storage.freeBytes) / 1024 / 1024);

    // Fill it, and keep it full as nginx's cleanup frees a segment here and there.
    const ws = await watchStates(s.base);
    const atFill = await playlistPoint(`${s.base}/video/envivo/index.m3u8`);
    const fd = openSync(fillerFile(), 'w');
    topUp(fd);
    filler = { fd, timer: setInterval(() => topUp(fd), 300) };
    const fullAt = Date.now();
    assert.ok(statfsSync(mediaDir).bavail * statfsSync(mediaDir).bsize < 1024 * 1024, 'the disk is full');

    const full = await waitFor('health to report the full disk', async () => {
      const h = await s.health();
      return h.storage?.problem === 'disk_full' && h.advice.includes('disk_full') ? h : undefined;
    }, 15_000, 100);
    figure('disk-full-detect-s', (Date.now() - fullAt) / 1000);
    assert.equal(full.storage.ok, false);
    assert.ok(full.storage.freeBytes < 4 * 1024 * 1024, `free ${full.storage.freeBytes} bytes`);
    await waitFor('the error logged once', () => /"event":"storage_full"/.test(s.logs()), 5000, 100);

    // The chat does not depend on the video disk: a message round-trips while it is full.
    const url = `ws://127.0.0.1:${s.httpPort}/ws`;
    const [ana, beto] = [await connect(url), await connect(url)];
    sockets.push(ana, beto);
    for (const [c, nick] of [[ana, 'Ana'], [beto, 'Beto']] as const) {
      await c.next((m) => m.type === 'history', 'history');
      c.send({ type: 'hello', nick });
      await c.next((m) => m.type === 'welcome', `welcome ${nick}`);
    }
    ana.send({ type: 'chat', text: 'Seguimos orando aunque el video se detenga', clientId: 'disk-1' });
    const ack = await ana.next((m) => m.clientId === 'disk-1', 'answer to the chat message');
    assert.equal(ack.type, 'ack', JSON.stringify(ack));
    await beto.next((m) => m.type === 'chat' && m.message.id === ack.id, 'the message reaches the other viewer');

    await sleep(3000);
    const stillFull = await s.health();
    assert.equal(stillFull.storage.problem, 'disk_full', 'still reported while the disk stays full');
    const during = await s.status();
    console.log(`# while full: state ${during.state}, ready ${during.renditions.filter((r) => r.ready).map((r) => r.id).join(',') || 'none'}, publishers started ${pub.attempts}`);

    // Space returns.
    const beforeFree = await playlistPoint(`${s.base}/video/envivo/index.m3u8`);
    // Evidence that the fault was real: how far the source got while the disk was full.
    figure('disk-full-source-segments-while-full', (beforeFree.newest ?? 0) - (atFill.newest ?? 0));
    releaseFiller();
    const freedAt = Date.now();
    const ok = await waitFor('health to recover', async () => {
      const h = await s.health();
      return h.storage?.ok && h.storage.problem === undefined && !h.advice.includes('disk_full') ? h : undefined;
    }, 15_000, 100);
    figure('disk-recovery-health-s', (Date.now() - freedAt) / 1000);
    assert.ok(ok.storage.freeBytes > 16 * 1024 * 1024);
    await waitFor('live with every rendition, the source advancing again', async () => {
      const st = await s.status();
      const p = await playlistPoint(`${s.base}/video/envivo/index.m3u8`);
      return st.state === 'live' && allReady(st) && p.newestUri !== undefined && p.newestUri !== beforeFree.newestUri;
    }, 40_000, 200);
    figure('disk-recovery-live-s', (Date.now() - freedAt) / 1000);
    await sleep(300);
    ws.close();
    console.log(`# states during the fault: ${ws.states.join(' → ')}`);
    figure('disk-full-viewers-saw-offline', ws.states.includes('offline') ? 'yes' : 'no');
    assert.match(s.logs(), /"event":"storage_ok"/);
    assert.equal(s.logs().match(/"event":"storage_full"/g)?.length, 1, 'the full disk is logged once, not on every check');
  });
});
