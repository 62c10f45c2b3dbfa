/// <reference lib="dom" />
// (Code passed to page.evaluate runs in the browser: it is typed against the DOM.)
/**
 * End-to-end browser helper: a headless Chromium (playwright-core, the system's /usr/bin/chromium) with
 * phone-sized viewers in es-CL / America/Santiago, each recording its console errors and page errors, and
 * small probes of the page's <video> and stream stage.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type ConsoleMessage, type Page } from 'playwright-core';
import { ROOT, waitFor } from '../helpers/platform.js';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const PHONE = { width: 390, height: 844 } as const;
export const SCREENSHOT_DIR = path.join(ROOT, 'docs', 'screenshots');
/** Screenshots are only (re)written on request, so a CI run never rewrites the ones in the docs. */
export const SCREENSHOTS = process.env.SCREENSHOTS === '1';

/**
 * A private copy of the built web app (web/dist) for one test file's service (WEB_ROOT): the page under test
 * cannot change mid-run when web/dist is rebuilt meanwhile (vite empties the folder first).
 */
export function snapshotWebDist(): { dir: string; remove(): void } {
  const src = path.join(ROOT, 'web', 'dist');
  if (!existsSync(path.join(src, 'index.html'))) throw new Error('web/dist/index.html is missing: run `npm run build:web` first');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cdp-e2e-web-'));
  cpSync(src, dir, { recursive: true });
  const index = existsSync(path.join(dir, 'index.html')) ? readFileSync(path.join(dir, 'index.html'), 'utf8') : '';
  const missing = [...index.matchAll(/"\/(assets\/[^"]+)"/g)].map((m) => m[1]!).filter((a) => !existsSync(path.join(dir, a)));
  if (!index || missing.length > 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`web/dist changed while it was being copied (missing: ${missing.join(', ') || 'index.html'}); run again`);
  }
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

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
  // tsx compiles this file with esbuild's keepNames, which wraps named functions in `__name(...)`; functions
  // handed to the page (init scripts, page.evaluate) then need that helper there too. Defined as a string so
  // that it is not itself rewritten.
  await context.addInitScript({ content: 'globalThis.__name = globalThis.__name || ((f) => f);' });
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

/** What the in-page recorder (installed by `installRecorder`) has seen, on the page's own clocks. */
export interface PageRecord {
  /** Every distinct stage data-state, with performance.now() (ms since navigation start) and Date.now(). */
  states: { state: string | null; t: number; wall: number }[];
  /** Each <video> element the page has had, in order. */
  videos: {
    attachedAt: number;
    playingAt: number | null;
    /** First time a timeupdate reported currentTime > 0. */
    timeAt: number | null;
    /** First frame presented (requestVideoFrameCallback), its size and media time; null until then. */
    frameAt: number | null;
    frameWall: number | null;
    frameMediaTime: number | null;
    frameWidth: number | null;
    frameHeight: number | null;
    rvfc: boolean;
  }[];
  /** Wall clock at load, to tell a reload from a page that stayed. */
  loadedAtWall: number;
}

/**
 * Records, inside the page, every stage state change and the first frame of every <video>, so tests and the
 * bench read exact in-page times instead of polling. Also a tripwire: `window.__pwned` must stay undefined.
 */
export async function installRecorder(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    const w = window as unknown as { __cdpRecord?: unknown };
    if (w.__cdpRecord) return;
    const rec = { states: [] as unknown[], videos: [] as any[], loadedAtWall: Date.now() };
    w.__cdpRecord = rec;
    let last: string | null | undefined;
    const seen = new WeakSet<HTMLVideoElement>();
    const check = () => {
      const stage = document.querySelector('.stage');
      const state = stage ? stage.getAttribute('data-state') : null;
      if (state !== last) {
        last = state;
        rec.states.push({ state, t: performance.now(), wall: Date.now() });
      }
      const v = document.querySelector('video');
      if (v && !seen.has(v)) {
        seen.add(v);
        const entry = { attachedAt: performance.now(), playingAt: null as number | null, timeAt: null as number | null, frameAt: null as number | null, frameWall: null as number | null, frameMediaTime: null as number | null, frameWidth: null as number | null, frameHeight: null as number | null, rvfc: 'requestVideoFrameCallback' in v };
        rec.videos.push(entry);
        v.addEventListener('playing', () => {
          if (entry.playingAt === null) entry.playingAt = performance.now();
        });
        const onTime = () => {
          if (v.currentTime > 0 && entry.timeAt === null) {
            entry.timeAt = performance.now();
            v.removeEventListener('timeupdate', onTime);
          }
        };
        v.addEventListener('timeupdate', onTime);
        if (entry.rvfc) {
          const onFrame = (now: number, meta: { mediaTime: number; width: number; height: number }) => {
            if (v.currentTime > 0 || meta.mediaTime > 0) {
              entry.frameAt = now;
              entry.frameWall = Date.now() - (performance.now() - now);
              entry.frameMediaTime = meta.mediaTime;
              entry.frameWidth = meta.width;
              entry.frameHeight = meta.height;
              return;
            }
            v.requestVideoFrameCallback(onFrame as VideoFrameRequestCallback);
          };
          v.requestVideoFrameCallback(onFrame as VideoFrameRequestCallback);
        }
      }
    };
    new MutationObserver(check).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-state'] });
    check();
  });
}

export async function readRecord(page: Page): Promise<PageRecord> {
  return page.evaluate(() => (window as unknown as { __cdpRecord: PageRecord }).__cdpRecord);
}

/** Through the page's own form: type the name, press "Entrar al chat", then the composer shows the name. */
export async function enterChat(page: Page, nick: string): Promise<void> {
  await page.getByText('¿Cuál es su nombre?').waitFor({ timeout: 10_000 });
  await page.getByLabel('Su nombre').fill(nick);
  await page.getByRole('button', { name: 'Entrar al chat' }).click();
  await page.locator('.chat-identity', { hasText: `Escribe como ${nick}` }).waitFor({ timeout: 10_000 });
  // The composer is usable once the socket is open.
  await page.locator('.chat-composer input[placeholder="Escriba un mensaje…"]').waitFor({ timeout: 10_000 });
}
