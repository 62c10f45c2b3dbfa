/**
 * End-to-end browser helper: a headless Chromium (playwright-core, the system's /usr/bin/chromium) with
 * phone-sized viewers in es-CL / America/Santiago, each recording its console errors and page errors, and
 * small probes of the page's <video> and stream stage.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type ConsoleMessage, type Page } from 'playwright-core';
import { ROOT, waitFor } from '../helpers/platform.js';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const PHONE = { width: 390, height: 844 } as const;
export const SCREENSHOT_DIR = path.join(ROOT, 'docs', 'screenshots');
/** Screenshots are only (re)written on request, so a CI run never rewrites the ones in the docs. */
export const SCREENSHOTS = process.env.SCREENSHOTS === '1';

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--autoplay-policy=no-user-gesture-required'],
  });
}

export interface PageProblem {
  kind: 'console' | 'pageerror';
  text: string;
  url?: string;
  at: number;
}

export interface Viewer {
  context: BrowserContext;
  page: Page;
  /** Every console error and uncaught page error, in order. */
  problems: PageProblem[];
  /** Problems left once the justified ones (see `allow`) are removed. */
  unexpectedProblems(allow?: (p: PageProblem) => boolean): PageProblem[];
  close(): Promise<void>;
}

/** A new browser context (its own cookies and localStorage = its own viewer) with one page, on a phone-sized screen. */
export async function newViewer(browser: Browser, opts: { viewport?: { width: number; height: number } } = {}): Promise<Viewer> {
  const context = await browser.newContext({
    viewport: opts.viewport ?? PHONE,
    deviceScaleFactor: 1,
    isMobile: false,
    hasTouch: false,
    locale: 'es-CL',
    timezoneId: 'America/Santiago',
  });
  const page = await context.newPage();
  const problems: PageProblem[] = [];
  page.on('console', (m: ConsoleMessage) => {
    if (m.type() === 'error') problems.push({ kind: 'console', text: m.text(), url: m.location()?.url, at: Date.now() });
  });
  page.on('pageerror', (err) => problems.push({ kind: 'pageerror', text: `${err.name}: ${err.message}`, at: Date.now() }));
  return {
    context,
    page,
    problems,
    unexpectedProblems: (allow = () => false) => problems.filter((p) => !allow(p)),
    close: () => context.close().catch(() => {}),
  };
}

export const stageState = (page: Page) => page.locator('.stage').first().getAttribute('data-state');

/** Waits for the stage's data-state to be `state` (polling; the element is replaced between states). */
export async function waitForStage(page: Page, state: string, timeoutMs = 30_000): Promise<void> {
  await page.locator(`.stage[data-state="${state}"]`).first().waitFor({ state: 'attached', timeout: timeoutMs });
}

export interface VideoProbe {
  present: boolean;
  currentTime: number;
  videoWidth: number;
  videoHeight: number;
  paused: boolean;
  readyState: number;
  muted: boolean;
  error: number | null;
}

export async function probeVideo(page: Page): Promise<VideoProbe> {
  return page.evaluate(() => {
    const v = document.querySelector('video');
    if (!v) return { present: false, currentTime: 0, videoWidth: 0, videoHeight: 0, paused: true, readyState: 0, muted: true, error: null };
    return {
      present: true,
      currentTime: v.currentTime,
      videoWidth: v.videoWidth,
      videoHeight: v.videoHeight,
      paused: v.paused,
      readyState: v.readyState,
      muted: v.muted,
      error: v.error ? v.error.code : null,
    };
  });
}

/** Waits until the <video> shows pictures (videoWidth > 0) and its currentTime moves forward by at least `advanceS`. */
export async function waitForPlaying(page: Page, timeoutMs = 30_000, advanceS = 1): Promise<VideoProbe> {
  const first = await waitFor('the video to have a picture', async () => {
    const p = await probeVideo(page);
    return p.videoWidth > 0 && p.currentTime > 0 ? p : undefined;
  }, timeoutMs, 200);
  return waitFor(`the video's currentTime to advance ${advanceS}s past ${first.currentTime.toFixed(2)}`, async () => {
    const p = await probeVideo(page);
    return p.currentTime >= first.currentTime + advanceS && p.videoWidth > 0 && !p.paused ? p : undefined;
  }, timeoutMs, 200);
}

/** Writes docs/screenshots/NAME.png (viewport only, phone-sized) when SCREENSHOTS=1; returns the path or null. */
export async function screenshot(page: Page, name: string): Promise<string | null> {
  if (!SCREENSHOTS) return null;
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: false, animations: 'disabled', caret: 'hide' });
  return file;
}

export function describeProblems(list: PageProblem[]): string {
  return list.map((p) => `${p.kind}: ${p.text}${p.url ? ` (${p.url})` : ''}`).join('\n');
}
