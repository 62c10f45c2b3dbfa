/**
 * OBS leaves the overlay open for hours: its memory after 10,000 messages must be what it was after 1,000
 * (the page keeps only the lines it shows). Heap measured in the page after forced GCs; see
 * test/helpers/overlay-memory.ts. Not a timing test.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { cleanupService, startService, type ServiceHandle } from '../helpers/platform.js';
import { measureOverlayMemory } from '../helpers/overlay-memory.js';
import { launchBrowser, snapshotWebDist } from './browser.js';

const PASSWORD = 'clave-de-prueba-e2e-overlay-memoria';
const MiB = 1024 * 1024;

describe('the OBS overlay’s memory over 10,000 messages (Chromium)', { timeout: 400_000 }, () => {
  let svc: ServiceHandle;
  let browser: Browser;
  let web: ReturnType<typeof snapshotWebDist>;

  before(async () => {
    web = snapshotWebDist();
    svc = await startService({ ADMIN_PASSWORD: PASSWORD, WEB_ROOT: web.dir });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close().catch(() => {});
    await cleanupService(svc);
    web?.remove();
  });

  test('heap, DOM nodes and listeners after 10,000 messages stay where they were after 1,000', async () => {
    const run = await measureOverlayMemory(svc, browser, PASSWORD, [1000, 10_000]);
    const [start, k1, k10] = run.points as [typeof run.points[0], typeof run.points[0], typeof run.points[0]];
    const mb = (b: number) => (b / MiB).toFixed(2);
    console.log(
      `FIGURE overlay heap: ${mb(start.heapUsed)} MiB at 0, ${mb(k1.heapUsed)} MiB after 1,000, ${mb(k10.heapUsed)} MiB after 10,000 messages ` +
        `(DOM nodes ${start.domNodes} → ${k1.domNodes} → ${k10.domNodes}; ${run.rate.toFixed(0)} msg/s)`,
    );
    // Keeping every message would add several MiB (9,000 × a few hundred bytes, more with their elements).
    assert.ok(k10.heapUsed - k1.heapUsed < 1 * MiB, `heap grew ${mb(k10.heapUsed - k1.heapUsed)} MiB between 1,000 and 10,000 messages`);
    assert.ok(k10.heapUsed < k1.heapUsed * 1.25, `heap after 10,000 (${mb(k10.heapUsed)} MiB) within 25 % of after 1,000 (${mb(k1.heapUsed)} MiB)`);
    assert.ok(Math.abs(k10.domNodes - k1.domNodes) < 100, `DOM nodes ${k1.domNodes} → ${k10.domNodes}`);
    assert.ok(k10.listeners - k1.listeners < 20, `event listeners ${k1.listeners} → ${k10.listeners}`);
    assert.ok(k10.lines <= 8, `at most the default 8 lines on screen (${k10.lines})`);
  });
});
