/**
 * The viewer page in a real Chromium on a phone-sized screen, against the real built service (nginx, the
 * ffmpeg ladder) and a real ffmpeg publisher: offline card → live without a reload, quality choice changes
 * the picture, and a publisher that drops and returns is "reconnecting" then live again — never offline.
 *
 * The tests share one service and one page and run in order (the stream goes live in the first one).
 * SCREENSHOTS=1 also writes docs/screenshots/viewer-{offline,starting,live,reconnecting}.png.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { WebSocket } from 'ws';
import { cleanupService, publish, sleep, startService, waitFor, type Publisher, type ServiceHandle } from '../helpers/platform.js';
import {
  describeProblems,
  installRecorder,
  launchBrowser,
  snapshotWebDist,
  newViewer,
  probeVideo,
  readRecord,
  screenshot,
  SCREENSHOTS,
  stageState,
  waitForPlaying,
  waitForStage,
  type PageProblem,
  type Viewer,
} from './browser.js';

/**
 * The page's request for the master playlist answered 404. That happens when the server announces "live"
 * before it has written the master playlist (see the test 'the live event is sent only once…', which owns
 * this symptom); the player recovers by itself, so the other tests do not fail a second time for it.
 */
const masterNotFound = (p: PageProblem) => p.kind === 'console' && /status of 404/.test(p.text) && /\/video\/[^/]+\.m3u8$/.test(p.url ?? '');

/** The next service the offline card should announce, computed here independently of the web app's code. */
function expectedNextService(schedule: { day: number; time: string; title: string }[], now = new Date()): { title: string; time: string } | null {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', { timeZone: 'America/Santiago', weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
      .formatToParts(now)
      .map((p) => [p.type, p.value]),
  );
  const day = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'].indexOf(parts.weekday!);
  const nowMin = day * 1440 + Number(parts.hour) * 60 + Number(parts.minute);
  const WEEK = 7 * 1440;
  let best: { title: string; time: string; delta: number } | null = null;
  for (const e of schedule) {
    const [h, m] = e.time.split(':').map(Number) as [number, number];
    let delta = (((e.day * 1440 + h * 60 + m - nowMin) % WEEK) + WEEK) % WEEK;
    // The card keeps a service that started less than 30 minutes ago as "next" (it says it starts soon).
    if (delta > WEEK - 30) delta -= WEEK;
    if (!best || delta < best.delta) best = { title: e.title, time: e.time, delta };
  }
  return best && { title: best.title, time: best.time };
}

describe('viewer page: offline → live, quality, reconnecting (Chromium, phone)', { timeout: 170_000 }, () => {
  let svc: ServiceHandle | undefined;
  let browser: Browser | undefined;
  let web: ReturnType<typeof snapshotWebDist> | undefined;
  let viewer: Viewer;
  let publisher: Publisher | undefined;
  const publishers: Publisher[] = [];
  /** What a plain websocket client saw at the first `live` push: the master playlist's HTTP status right then. */
  let atLive: { masterStatus: number; onDisk: boolean; sourceHeight: unknown } | undefined;
  let probeSocket: WebSocket | undefined;
  const startPublisher = () => {
    const p = publish(`rtmp://127.0.0.1:${svc!.rtmpPort}/live/${svc!.key}`);
    publishers.push(p);
    return p;
  };

  before(async () => {
    web = snapshotWebDist();
    svc = await startService({ ADMIN_PASSWORD: 'clave-de-prueba-e2e', WEB_ROOT: web.dir });
    browser = await launchBrowser();
    viewer = await newViewer(browser);
    await installRecorder(viewer.context);
  });

  /**
   * No console error and no uncaught exception since `mark` (each test checks its own part of the page's
   * life). Only in the first test, the master-playlist 404 at the live transition is left to the test that
   * owns it.
   */
  const assertNoPageErrors = (mark: number, exceptMasterAtLive = false) => {
    const problems = viewer.problems.slice(mark).filter((p) => !(exceptMasterAtLive && masterNotFound(p)));
    assert.equal(problems.length, 0, `console errors or page errors:\n${describeProblems(problems)}`);
  };

  after(async () => {
    probeSocket?.close();
    for (const p of publishers) await p.stop().catch(() => {});
    await browser?.close().catch(() => {});
    await cleanupService(svc);
    web?.remove();
  });

  test('opened while offline it shows the church and the next service, then plays when the publisher goes live — without a reload', async () => {
    const { page } = viewer;
    const mark = viewer.problems.length;
    await page.goto(`${svc!.base}/`);
    await waitForStage(page, 'offline', 10_000);
    const card = page.locator('.stage[data-state="offline"] .offline-card');
    assert.equal((await card.locator('.stage-church').innerText()).trim(), 'Iglesia Casa del Padre');
    const site = (await (await fetch(`${svc!.base}/api/v1/site`)).json()) as { schedule: { day: number; time: string; title: string }[] };
    const expected = expectedNextService(site.schedule);
    assert.ok(expected, 'the default configuration has a weekly schedule');
    assert.equal((await card.locator('.next-service-title').innerText()).trim(), expected.title);
    assert.match(await card.locator('.next-service-when').innerText(), new RegExp(expected.time));
    assert.match(await card.locator('.next-service-countdown').innerText(), /Comienza en|Comenzará en breve/);
    assert.equal(await page.locator('video').count(), 0, 'no player while offline');
    const offlineHls = await page.evaluate(() => performance.getEntriesByType('resource').some((e) => /hls/.test(e.name)));
    assert.equal(offlineHls, false, 'the offline page does not download hls.js');
    await screenshot(page, 'viewer-offline');

    // Beside the page, a plain websocket client fetches the master playlist the moment "live" is pushed.
    probeSocket = new WebSocket(`ws://127.0.0.1:${svc!.httpPort}/ws`);
    probeSocket.on('message', (data) => {
      const m = JSON.parse(String(data)) as { type: string; state?: string; master?: string; renditions?: { id: string; height?: number }[] };
      if (m.type !== 'status' || m.state !== 'live' || atLive) return;
      const sourceHeight = m.renditions?.find((r) => r.id === 'source')?.height;
      // On disk at that instant (the service writes it to DATA_DIR/media/master/video/NAME.m3u8), and over HTTP.
      const onDisk = existsSync(path.join(svc!.dataDir, 'media', 'master', m.master ?? ''));
      void fetch(`${svc!.base}${m.master}`).then((r) => {
        atLive ??= { masterStatus: r.status, onDisk, sourceHeight };
        probeSocket?.close(); // (so the screenshots count only the page among the viewers)
      });
    });
    await new Promise((resolve, reject) => probeSocket!.once('open', resolve).once('error', reject));

    publisher = startPublisher();
    await waitForStage(page, 'starting', 20_000);
    await page.locator('.starting-card').waitFor({ timeout: 5000 });
    await screenshot(page, 'viewer-starting');
    await waitForStage(page, 'live', 60_000);
    const playing = await waitForPlaying(page, 30_000, 1.5);
    assert.ok(playing.videoWidth > 0 && playing.videoHeight > 0, 'the video has a picture');
    assert.equal(playing.muted, true, 'autoplay starts muted');
    await page.locator('.player-cta-unmute').waitFor({ timeout: 5000 });

    const rec = await readRecord(page);
    const states = rec.states.map((s) => s.state);
    assert.deepEqual(states.filter((s) => s !== null && s !== 'loading'), ['offline', 'starting', 'live'], `stage states seen: ${states.join(' → ')}`);
    assert.equal(rec.videos.length, 1, 'one <video> element');
    const navigations = await page.evaluate(() => performance.getEntriesByType('navigation').length);
    assert.equal(navigations, 1);
    assert.equal(await page.evaluate(() => (window as unknown as { __cdpRecord: { loadedAtWall: number } }).__cdpRecord.loadedAtWall), rec.loadedAtWall, 'same document: no reload');
    if (SCREENSHOTS) {
      // The count includes the probe socket for a few seconds after it closed (presence over three 2-s
      // reports): let it settle so the picture shows the one viewer there is.
      await page.getByText('1 persona conectada').waitFor({ timeout: 12_000 }).catch(() => {});
    }
    await screenshot(page, 'viewer-live');
    assertNoPageErrors(mark, true);
  });

  test('choosing Baja shows 360p and Media 480p', async () => {
    const { page } = viewer;
    const mark = viewer.problems.length;
    await waitForStage(page, 'live', 5000);
    const select = page.getByLabel('Calidad');
    const values = await select.locator('option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
    // (Their order is checked in the next test.)
    assert.deepEqual([...values].sort(), ['audio', 'auto', 'low', 'mid', 'source']);
    assert.match(await select.locator('option[value="low"]').innerText(), /Baja \(360p\)/);
    assert.match(await select.locator('option[value="mid"]').innerText(), /Media \(480p\)/);

    const heightBecomes = async (value: string, height: number) => {
      await select.selectOption(value);
      assert.equal(await select.inputValue(), value);
      await waitFor(`videoHeight ${height} after choosing ${value}`, async () => {
        const p = await probeVideo(page);
        return p.videoHeight === height ? p : undefined;
      }, 30_000, 250);
      // And it keeps playing at that size.
      const p = await waitForPlaying(page, 20_000, 1);
      assert.equal(p.videoHeight, height);
    };
    // On a 390-px-wide phone, Automática already picks 360p: go up to Media first so that Baja is a change.
    await heightBecomes('mid', 480);
    await heightBecomes('low', 360);
    await heightBecomes('mid', 480);
    assert.equal(await page.evaluate(() => localStorage.getItem('cdp.quality')), 'mid', 'the choice is remembered');
    await select.selectOption('auto');
    assertNoPageErrors(mark);
  });

  test('the live event is sent only once the master playlist it names is served (no 404 for the page)', async () => {
    // README: '"Live" means playable'. Fails while the server pushes `live` before writing the master playlist.
    const seen = await waitFor('the probe client to have fetched the master at the live push', () => atLive, 10_000);
    assert.equal(seen.onDisk, true, 'the master playlist was not on disk yet when the live push arrived');
    assert.equal(seen.masterStatus, 200, `GET master right after the live push answered ${seen.masterStatus}`);
    const notFound = viewer.problems.filter(masterNotFound);
    assert.equal(notFound.length, 0, `the page got 404 for the master playlist:\n${describeProblems(notFound)}`);
  });

  test('the quality menu of a page open since before the live event: Automática, then Alta (720p), Media, Baja, Solo audio', async () => {
    // README (web): "Automática first, then the video renditions from the sharpest down, then audio only".
    // Fails while the server's `status` push at the live transition lacks the source's size (see the report).
    const { page } = viewer;
    const options = await page.getByLabel('Calidad').locator('option').evaluateAll((os) => os.map((o) => `${(o as HTMLOptionElement).value}=${o.textContent}`));
    assert.deepEqual(options, ['auto=Automática', 'source=Alta (720p)', 'mid=Media (480p)', 'low=Baja (360p)', 'audio=Solo audio']);
  });

  test('a publisher that drops and returns within 5 s: reconnecting (not offline, no error), then live and playing again', async () => {
    const { page } = viewer;
    const mark = viewer.problems.length;
    await waitForStage(page, 'live', 5000);
    await waitForPlaying(page, 20_000, 0.5);
    const before = (await readRecord(page)).states.length;
    await publisher!.stop();
    const droppedAt = Date.now();
    await waitForStage(page, 'reconnecting', 15_000);
    assert.equal(await page.locator('.offline-card').count(), 0, 'no offline card');
    assert.equal(await page.locator('video').count(), 1, 'the player stays mounted');
    const notice = (await page.locator('.player-notice').innerText()).trim();
    // OBS stopped (nginx's on_publish_done): a neutral notice, not "signal lost" (issue 15).
    assert.match(notice, /La transmisión se detuvo; si vuelve, seguirá aquí/);
    assert.equal(await page.locator('[role="alert"]').count(), 0, 'no error shown');
    await screenshot(page, 'viewer-reconnecting');

    const waitBeforeRestart = 5000 - (Date.now() - droppedAt) - 1500;
    if (waitBeforeRestart > 0) await sleep(waitBeforeRestart);
    assert.ok(Date.now() - droppedAt < 5000, 'restarting within 5 s');
    publisher = startPublisher();
    await waitForStage(page, 'live', 30_000);
    const back = await probeVideo(page);
    await waitFor('playback to move again', async () => {
      const p = await probeVideo(page);
      return p.currentTime > back.currentTime + 1.5 && p.videoWidth > 0 && !p.paused ? p : undefined;
    }, 30_000, 250);
    assert.equal(await page.locator('.player-notice').count(), 0, 'the notice is gone');

    const rec = await readRecord(page);
    const after = rec.states.slice(before).map((s) => s.state);
    assert.ok(!after.includes('offline'), `never offline during the drop: ${after.join(' → ')}`);
    assert.deepEqual(after, ['reconnecting', 'live']);
    assert.equal(rec.videos.length, 1, 'the same <video> element throughout');
    assert.equal(await stageState(page), 'live');
    assertNoPageErrors(mark);
  });

});
