/**
 * What a real Sunday shows (issue 15), in Chromium against the real service, nginx and a real ffmpeg
 * publisher: a stall is explained, a weak connection is named, being behind live is visible on a phone,
 * and the end of a broadcast reads as an end, not a fault.
 *
 * The tests share one service and run in order: the stream goes live in the first, ends in the last.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, CDPSession, Page } from 'playwright-core';
import { cleanupService, publish, sleep, startService, waitFor, type Publisher, type ServiceHandle } from '../helpers/platform.js';
import { launchBrowser, newViewer, snapshotWebDist, waitForPlaying, waitForStage, type Viewer } from './browser.js';

/** Every text the player's notices showed, recorded in the page (notices come and go faster than polling). */
async function recordNotices(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as { __notices?: string[] };
    w.__notices = [];
    const seen = w.__notices;
    const check = () => {
      for (const el of document.querySelectorAll('.player-notice')) {
        const text = (el.textContent ?? '').trim();
        if (text && seen[seen.length - 1] !== text) seen.push(text);
      }
      if (document.querySelector('.player-spinner') && !seen.includes('(spinner)')) seen.push('(spinner)');
    };
    new MutationObserver(check).observe(document.body, { subtree: true, childList: true, characterData: true });
  });
}
const notices = (page: Page) => page.evaluate(() => (window as unknown as { __notices: string[] }).__notices);

describe('a Sunday on the viewer page (Chromium)', { timeout: 240_000 }, () => {
  let svc: ServiceHandle | undefined;
  let browser: Browser | undefined;
  let web: ReturnType<typeof snapshotWebDist> | undefined;
  let viewer: Viewer;
  let publisher: Publisher | undefined;

  before(async () => {
    web = snapshotWebDist();
    svc = await startService({ ADMIN_PASSWORD: 'clave-de-prueba-e2e', WEB_ROOT: web.dir, GRACE_SECONDS: '6' });
    browser = await launchBrowser();
    // A desktop window: Automática starts above the lowest quality, so a weak connection has somewhere to drop.
    viewer = await newViewer(browser, { viewport: { width: 1280, height: 800 } });
    publisher = publish(`rtmp://127.0.0.1:${svc.rtmpPort}/live/${svc.key}`);
    await viewer.page.goto(`${svc.base}/`);
    await waitForStage(viewer.page, 'live', 60_000);
    await waitForPlaying(viewer.page, 30_000, 1);
  });

  after(async () => {
    await publisher?.stop().catch(() => {});
    await browser?.close().catch(() => {});
    await cleanupService(svc);
    web?.remove();
  });

  test('on a weak connection a stall shows a spinner and "Recuperando la señal…", and the drop in quality is named', async () => {
    const { page } = viewer;
    await recordNotices(page);
    const cdp: CDPSession = await page.context().newCDPSession(page);
    await cdp.send('Network.enable');
    // ~300 kbps with 300 ms of latency: below even the 360p rung.
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 300, downloadThroughput: 37_500, uploadThroughput: 37_500 });
    try {
      await page.locator('.player-notice', { hasText: 'Recuperando la señal' }).waitFor({ timeout: 60_000 });
      assert.equal(await page.locator('.player-spinner').count(), 1, 'a spinner over the picture');
      await waitFor('the quality drop to be named', async () => (await notices(page)).some((n) => /conexión está lenta/.test(n)), 30_000, 250);
    } finally {
      await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
    }
    await waitForPlaying(page, 60_000, 1);
    await waitFor('the stall notice to go away', async () => (await page.locator('.player-spinner').count()) === 0, 20_000, 250);
    const seen = await notices(page);
    assert.ok(seen.includes('(spinner)'), `notices seen: ${seen.join(' | ')}`);
    await cdp.detach();
  });

  test('a phone in landscape (844×390) shows the whole player with its controls, and the chat beside it', async () => {
    const phone = await newViewer(browser!, { viewport: { width: 844, height: 390 } });
    try {
      const { page } = phone;
      await page.goto(`${svc!.base}/`);
      await waitForStage(page, 'live', 20_000);
      await waitForPlaying(page, 30_000, 0.5);
      const screen = await page.locator('.player-screen').boundingBox();
      const bar = await page.locator('.player-bar').boundingBox();
      assert.ok(screen && bar, 'player and controls rendered');
      assert.ok(screen.y >= 0 && bar.y + bar.height <= 390 + 0.5, `controls on screen without scrolling: screen ${JSON.stringify(screen)}, bar ${JSON.stringify(bar)}`);
      assert.ok(screen.height >= 240, `the picture uses the height: ${screen.height}px`);
      const nameField = await page.getByLabel('Su nombre').boundingBox();
      assert.ok(nameField && nameField.x >= screen.x + screen.width - 1 && nameField.y + nameField.height <= 390, `the chat is beside the player and reachable: ${JSON.stringify(nameField)}`);
    } finally {
      await phone.close();
    }
  });

  test('on a phone, "Solo audio" explains itself (saving data) inside the picture', async () => {
    const phone = await newViewer(browser!);
    try {
      const { page } = phone;
      await page.goto(`${svc!.base}/`);
      await waitForStage(page, 'live', 20_000);
      await page.getByLabel('Calidad').selectOption('audio');
      const hint = page.locator('.audio-poster-hint');
      await hint.waitFor({ state: 'visible', timeout: 10_000 });
      assert.match(await hint.innerText(), /ahorrar datos/);
      const screen = await page.locator('.player-screen').boundingBox();
      const box = await hint.boundingBox();
      assert.ok(screen && box && box.y >= screen.y && box.y + box.height <= screen.y + screen.height, `inside the picture: ${JSON.stringify({ screen, box })}`);
    } finally {
      await phone.close();
    }
  });

  test('after a pause, "Está viendo en diferido" is visible text with a "Volver al vivo" button that works', async () => {
    const { page } = viewer;
    await waitForPlaying(page, 30_000, 0.5);
    await page.getByRole('button', { name: 'Pausar' }).click();
    await sleep(15_000);
    await page.getByRole('button', { name: 'Reproducir' }).click();
    const behind = page.locator('.player-behind');
    await behind.waitFor({ state: 'visible', timeout: 5000 });
    assert.match(await behind.innerText(), /Está viendo en diferido/);
    await behind.getByRole('button', { name: 'Volver al vivo' }).click();
    await behind.waitFor({ state: 'detached', timeout: 5000 });
    await waitForPlaying(page, 20_000, 0.5);
  });

  test('when OBS stops, viewers read a neutral notice, then a closing card with the next service', async () => {
    const { page } = viewer;
    await recordNotices(page);
    await publisher!.stop();
    await waitForStage(page, 'reconnecting', 15_000);
    const notice = page.locator('.player-notice', { hasText: 'La transmisión se detuvo; si vuelve, seguirá aquí' });
    await notice.waitFor({ timeout: 5000 });
    assert.equal((await notices(page)).filter((n) => /Se perdió la señal/.test(n)).length, 0, 'never "signal lost"');
    await waitForStage(page, 'offline', 20_000);
    const card = page.locator('.stage[data-state="offline"] .offline-card');
    assert.match(await card.locator('.stage-church').innerText(), /Gracias por acompañarnos/);
    assert.ok((await card.locator('.next-service-title').innerText()).trim().length > 0, 'the next service is announced');
    assert.doesNotMatch(await card.innerText(), /No estamos transmitiendo/);
    assert.equal(await card.locator('.latest-recording').count(), 0, 'no recording slot without an archive');
    const status = await svc!.status();
    assert.equal((status as unknown as { reason: string }).reason, 'ended');
  });
});
