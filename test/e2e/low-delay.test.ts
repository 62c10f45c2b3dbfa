/**
 * The low-delay mode ("Baja latencia") end to end: real nginx-rtmp, the ffmpeg ladder, a real publisher and
 * hls.js in Chromium. Off (the default), the renditions are cut in 2 s fragments; switched on during a
 * broadcast it waits (the media nginx is not reloaded while live) and applies once offline; the next
 * broadcast has 1 s fragments on every rendition, the status tells players so, and hls.js plays it.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { cleanupService, publish, startService, waitFor, type Publisher, type ServiceHandle } from '../helpers/platform.js';
import { adminCall, adminLogin } from '../helpers/ws-client.js';
import { launchBrowser, newViewer, snapshotWebDist, waitForPlaying, waitForStage } from './browser.js';

const PASSWORD = 'clave-de-prueba-baja-latencia';
const RUNGS = ['envivo', 'envivo_mid', 'envivo_low', 'envivo_audio'];

/**
 * The EXTINF durations of a rendition's playlist, as served, of the current broadcast only: nginx keeps a
 * previous broadcast's segments before an EXT-X-DISCONTINUITY (hls_continuous).
 */
async function durations(base: string, rendition: string): Promise<number[]> {
  const text = await (await fetch(`${base}/video/${rendition}/index.m3u8`)).text();
  const current = text.slice(text.lastIndexOf('#EXT-X-DISCONTINUITY') + 1);
  return [...current.matchAll(/#EXTINF:([\d.]+)/g)].map((m) => Number(m[1]));
}

/** Waits until every rendition lists at least `n` segments; returns their durations (the last one excluded: a flush may cut it short). */
async function settledDurations(base: string, n: number): Promise<Record<string, number[]>> {
  return waitFor(`every rendition listing ${n} segments`, async () => {
    const all = Object.fromEntries(await Promise.all(RUNGS.map(async (r) => [r, await durations(base, r)] as const)));
    return Object.values(all).every((d) => d.length >= n) ? all : undefined;
  }, 40_000, 500);
}

const mediaConf = (svc: ServiceHandle) => readFileSync(path.join(svc.dataDir, 'nginx', 'nginx.conf'), 'utf8');

describe('low-delay mode (nginx, ffmpeg, Chromium)', { timeout: 240_000 }, () => {
  let svc: ServiceHandle | undefined;
  let browser: Browser | undefined;
  let web: ReturnType<typeof snapshotWebDist> | undefined;
  let publisher: Publisher | undefined;
  let admin: { cookie: string; csrf: string };
  const rtmp = () => `rtmp://127.0.0.1:${svc!.rtmpPort}/live/${svc!.key}`;

  before(async () => {
    web = snapshotWebDist();
    svc = await startService({ ADMIN_PASSWORD: PASSWORD, WEB_ROOT: web.dir, GRACE_SECONDS: '2' });
    admin = await adminLogin(svc.base, PASSWORD);
    browser = await launchBrowser();
  });

  after(async () => {
    await publisher?.stop().catch(() => {});
    await browser?.close().catch(() => {});
    await cleanupService(svc);
    web?.remove();
  });

  test('off by default: 2 s fragments, and the status says so', async () => {
    const got = await adminCall(svc!.base, admin, 'GET', '/api/v1/admin/delay');
    assert.equal(got.status, 200);
    assert.deepEqual(got.json, { lowDelay: false, applied: false, pending: false, fragmentSeconds: 2 });
    publisher = publish(rtmp());
    await waitFor('live', async () => (await svc!.status()).state === 'live', 60_000, 200);
    const all = await settledDurations(svc!.base, 3);
    for (const [r, d] of Object.entries(all)) {
      const whole = d.slice(0, -1);
      assert.ok(whole.every((x) => x >= 1.8 && x <= 2.3), `${r}: 2 s fragments (${d.join(', ')})`);
    }
    assert.equal(((await svc!.status()) as unknown as { lowDelay?: boolean }).lowDelay, false);
  });

  test('switched on during a broadcast, it waits: the media nginx keeps its configuration until offline', async () => {
    const put = await adminCall(svc!.base, admin, 'PUT', '/api/v1/admin/delay', { lowDelay: true });
    assert.equal(put.status, 200);
    assert.deepEqual(put.json, { lowDelay: true, applied: false, pending: true, fragmentSeconds: 2 });
    assert.match(mediaConf(svc!), /hls_fragment 2s;/);
    assert.equal((await svc!.status()).state, 'live', 'the broadcast goes on');

    const bad = await adminCall(svc!.base, admin, 'PUT', '/api/v1/admin/delay', { lowDelay: 'yes' });
    assert.equal(bad.status, 400, 'a malformed body is refused with a message');
    assert.match(bad.text, /lowDelay/);

    await publisher!.stop();
    await waitFor('offline', async () => (await svc!.status()).state === 'offline', 60_000, 200);
    const after = await waitFor('the mode applied once offline', async () => {
      const r = await adminCall(svc!.base, admin, 'GET', '/api/v1/admin/delay');
      return r.json.applied === true ? r.json : undefined;
    }, 20_000, 200);
    assert.deepEqual(after, { lowDelay: true, applied: true, pending: false, fragmentSeconds: 1 });
    assert.match(mediaConf(svc!), /hls_fragment 1s;/);
  });

  test('on: every rendition has 1 s fragments, players are told, and hls.js plays it in Chromium', async () => {
    // OBS set to a 1 s keyframe interval, as the admin card advises.
    publisher = publish(rtmp(), { keyframeSeconds: 1 });
    await waitFor('live', async () => (await svc!.status()).state === 'live', 60_000, 200);
    assert.equal(((await svc!.status()) as unknown as { lowDelay?: boolean }).lowDelay, true);
    const all = await settledDurations(svc!.base, 4);
    for (const [r, d] of Object.entries(all)) {
      const whole = d.slice(0, -1);
      assert.ok(whole.every((x) => x >= 0.8 && x <= 1.3), `${r}: 1 s fragments (${d.join(', ')})`);
    }
    const viewer = await newViewer(browser!);
    try {
      await viewer.page.goto(`${svc!.base}/`);
      await waitForStage(viewer.page, 'live', 30_000);
      const p = await waitForPlaying(viewer.page, 40_000, 2);
      assert.ok(p.videoHeight > 0 && p.currentTime > 0, 'the picture plays and time advances');
    } finally {
      await viewer.close();
    }
  });
});
