/**
 * The sermon archive in a real Chromium on a phone-sized screen, against the real built service and a real
 * ffmpeg publisher: a broadcast becomes a recording that /archivo lists, its page plays it, the downloads
 * answer as attachments, and the offline page offers the latest service.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { cleanupService, publish, startService, waitFor, type ServiceHandle } from '../helpers/platform.js';
import { describeProblems, launchBrowser, newViewer, screenshot, snapshotWebDist, type Viewer } from './browser.js';

describe('the archive in Chromium', { timeout: 240_000 }, () => {
  let svc: ServiceHandle;
  let browser: Browser;
  let viewer: Viewer;
  let web: ReturnType<typeof snapshotWebDist>;
  let id = '';

  before(async () => {
    web = snapshotWebDist();
    svc = await startService({ GRACE_SECONDS: '2', WEB_ROOT: web.dir });
    browser = await launchBrowser();
    viewer = await newViewer(browser);
    const pub = publish(`rtmp://127.0.0.1:${svc.rtmpPort}/live/${svc.key}`, { seconds: 12, size: '640x360' });
    await pub.exited;
    const list = await waitFor('a published recording', async () => {
      const r = (await (await fetch(`${svc.base}/api/v1/recordings`)).json()) as { recordings: { id: string; audio: string | null }[] };
      return r.recordings.length > 0 && r.recordings[0]!.audio ? r.recordings : undefined;
    }, 60_000, 250);
    id = list[0]!.id;
  });
  after(async () => {
    await viewer?.close();
    await browser?.close();
    await cleanupService(svc);
    web?.remove();
  });

  test('/archivo lists the recording, newest first, with its poster, title and duration', async () => {
    const { page } = viewer;
    await page.goto(`${svc.base}/archivo`);
    const item = page.locator(`.archive-item[data-id="${id}"]`);
    await item.waitFor({ timeout: 15_000 });
    assert.match((await item.locator('.archive-item-title').textContent()) ?? '', /^Servicio del /);
    assert.match((await item.locator('.archive-item-meta').textContent()) ?? '', /\d+:\d{2}$/);
    assert.equal(await item.locator('img.archive-poster').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0), true, 'the poster loaded');
    await screenshot(page, 'archive-list');
  });

  test('a recording’s page plays it (currentTime advances), and audio-only mode plays the audio file', async () => {
    const { page } = viewer;
    await page.locator(`.archive-item[data-id="${id}"] a`).click();
    await page.waitForURL(`**/archivo/${id}`);
    const video = page.locator('video.recording-video');
    await video.waitFor();
    await video.evaluate((v: HTMLVideoElement) => {
      v.muted = true;
      return v.play();
    });
    await waitFor('the video to advance', () => video.evaluate((v: HTMLVideoElement) => v.currentTime > 1.5), 15_000, 200);
    await screenshot(page, 'archive-recording');
    // Seeking within the MP4 (byte ranges).
    await video.evaluate((v: HTMLVideoElement) => (v.currentTime = 8));
    await waitFor('the seek to land', () => video.evaluate((v: HTMLVideoElement) => v.currentTime >= 8 && v.readyState >= 2), 10_000, 200);

    await page.getByRole('button', { name: /Solo audio/ }).click();
    const audio = page.locator('audio.recording-audio');
    await audio.waitFor();
    await audio.evaluate((a: HTMLAudioElement) => {
      a.muted = true;
      return a.play();
    });
    await waitFor('the audio to advance', () => audio.evaluate((a: HTMLAudioElement) => a.currentTime > 1), 15_000, 200);
    assert.deepEqual(viewer.unexpectedProblems(), [], describeProblems(viewer.problems));
  });

  test('"Descargar vídeo" and "Descargar audio" answer as attachments', async () => {
    const { page } = viewer;
    for (const name of ['Descargar vídeo', 'Descargar audio']) {
      const href = await page.getByRole('link', { name }).getAttribute('href');
      assert.ok(href, name);
      const r = await fetch(`${svc.base}${href}`);
      assert.equal(r.status, 200, name);
      assert.match(r.headers.get('content-disposition') ?? '', /^attachment; filename="servicio-[\d-]+(-audio)?\.(mp4|m4a)"$/, name);
      await r.arrayBuffer();
    }
    const html = await (await fetch(`${svc.base}/archivo/${id}`)).text();
    assert.match(html, new RegExp(`property="og:url" content="http://localhost:\\d+/archivo/${id}"`), 'the page has its own share tags');
    assert.match(html, /property="og:image" content="[^"]+poster\.jpg"/);
  });

  test('the offline page offers the latest service', async () => {
    const { page } = viewer;
    await page.goto(`${svc.base}/`);
    const link = page.getByRole('link', { name: 'Vea el último servicio' });
    await link.waitFor({ timeout: 15_000 });
    assert.equal(await link.getAttribute('href'), `/archivo/${id}`);
  });
});
