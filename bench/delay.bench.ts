/// <reference lib="dom" />
// (Code passed to page.evaluate runs in the browser: it is typed against the DOM.)
/**
 * Delay benchmark: glass-to-glass delay in the viewer page, and stalls on a link whose speed keeps changing,
 * in the default mode and in the low-delay mode ("Baja latencia"), against the real built service (nginx,
 * the ffmpeg ladder) and headless Chromium (playwright-core, /usr/bin/chromium).
 *
 *   npm run bench:delay                          3 runs × {default, low delay} → bench/results/delay.json
 *   BENCH_RUNS=1 BENCH_STALL_S=30 npm run bench:delay   a smoke run → delay.smoke.json
 *
 * Method (also in bench/README.md): the publisher (ffmpeg -re, testsrc2 720p30) draws its frame number N in
 * binary as 16 black/white blocks across the top of the picture (bench/lib/publisher.ts frameCodeFilter).
 * Frame N is captured at T0 + N/30 s, T0 from the publisher's -progress reports (wall − out_time, the
 * smallest bound; conservative by about a frame). In the page, every ~0.5 s a presented frame
 * (requestVideoFrameCallback) is drawn into a canvas and N read back from the blocks' centres; delay =
 * Date.now() − (T0 + N/30). Both clocks are this machine's. Per run: the median over G2G_S seconds of samples
 * on an unthrottled (steady) link. Then, for STALL_S seconds, Chromium's network emulation (CDP
 * Network.emulateNetworkConditions) changes the download rate every 4 s to a random value between 0.6 and
 * 3 Mbps (fixed seed, 60 ms latency); a stall is a 'waiting' event of the <video> after it first played;
 * stalls per 10 min = stalls × 600 / STALL_S. Low delay: the mode is switched on through the admin API while
 * offline (so it applies at once) and the publisher uses 1 s keyframes, as the admin card advises.
 * Glass-to-glass is read on a phone-sized page (390×844: the player holds 360p); the varying link is played
 * on a new 1280×720 page, so that adaptive playback may climb above 360p and meet the link's lows.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, newViewer, type Viewer } from '../test/e2e/browser.js';
import { adminCall, adminLogin } from '../test/helpers/ws-client.js';
import { ensureBuilt } from './lib/build.js';
import { ChildSet } from './lib/children.js';
import { FRAME_CODE_BITS, FRAME_CODE_HEIGHT, startPublisher } from './lib/publisher.js';
import { machineInfo, markdownTable, metric, type Metric } from './lib/report.js';
import { removeDataDir, startService, type Service } from './lib/service.js';
import { median, now, round, sleep } from './lib/time.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const RUNS = Math.min(10, Math.max(1, Number.parseInt(process.env.BENCH_RUNS ?? '3', 10) || 3));
const G2G_S = Math.min(120, Math.max(10, Number(process.env.BENCH_G2G_S ?? 30) || 30));
const STALL_S = Math.min(600, Math.max(0, Number(process.env.BENCH_STALL_S ?? 60) || 0));
const SWITCH_S = 4;
const FPS = 30;
const PASSWORD = 'bench-delay-admin-password';
const GOALS = { default: { max: 6, text: '≤ 6 s' }, low: { max: 4, text: '≤ 4 s' } };
const OUT = path.join(ROOT, 'bench', 'results', RUNS >= 3 ? 'delay.json' : 'delay.smoke.json');

const children = new ChildSet();
const secrets = new Set<string>();
const redact = (s: string) => [...secrets].reduce((acc, k) => acc.split(k).join('<stream-key>'), s);
const log = (s: string) => process.stderr.write(`${redact(s)}\n`);

type Mode = 'default' | 'low';

interface ModeRun {
  mode: Mode;
  index: number;
  glassToGlassSec: number | null;
  /** The same against when the publisher actually sent frame N (its progress reports): without its own lag. */
  glassToGlassPublisherClockSec?: number | null;
  publisherSpeed?: number | null;
  samples: number;
  /** Samples whose frame number went backwards (a misread): left out. */
  rejected: number;
  minSec: number | null;
  maxSec: number | null;
  stalls: number | null;
  stalledSec: number | null;
  stallsPer10Min: number | null;
  renditionHeight: number | null;
  error?: string;
}

/** Installs the sampler in the page: every ~0.5 s, a presented frame's number and the wall time. */
async function startSampling(page: Page, bits: number, codeHeight: number): Promise<void> {
  await page.evaluate(
    ({ bits, codeHeight }) => {
      const w = window as unknown as { __g2g?: { n: number; wall: number }[]; __stalls?: { count: number; ms: number } };
      const video = document.querySelector('video')!;
      const canvas = document.createElement('canvas');
      const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
      const samples: { n: number; wall: number }[] = [];
      w.__g2g = samples;
      const stalls = { count: 0, ms: 0 };
      w.__stalls = stalls;
      let waitingSince: number | null = null;
      video.addEventListener('waiting', () => {
        if (video.seeking || waitingSince !== null) return;
        waitingSince = performance.now();
        stalls.count++;
      });
      video.addEventListener('playing', () => {
        if (waitingSince !== null) stalls.ms += performance.now() - waitingSince;
        waitingSince = null;
      });
      let last = 0;
      const onFrame = () => {
        const wall = Date.now();
        if (wall - last >= 500 && video.videoWidth > 0) {
          last = wall;
          const vw = video.videoWidth;
          const vh = video.videoHeight;
          canvas.width = vw;
          canvas.height = vh;
          ctx.drawImage(video, 0, 0, vw, vh);
          const y = Math.floor((vh * codeHeight) / 2);
          let n = 0;
          for (let k = 0; k < bits; k++) {
            const x = Math.floor(((k + 0.5) * vw) / bits);
            const d = ctx.getImageData(x - 2, y - 2, 5, 5).data;
            let sum = 0;
            for (let i = 0; i < d.length; i += 4) sum += (d[i]! + d[i + 1]! + d[i + 2]!) / 3;
            if (sum / (d.length / 4) > 128) n += 2 ** k;
          }
          samples.push({ n, wall });
        }
        video.requestVideoFrameCallback(onFrame);
      };
      video.requestVideoFrameCallback(onFrame);
    },
    { bits, codeHeight },
  );
}

async function readSamples(page: Page) {
  return page.evaluate(() => {
    const w = window as unknown as { __g2g?: { n: number; wall: number }[]; __stalls?: { count: number; ms: number } };
    return { samples: [...(w.__g2g ?? [])], stalls: { ...(w.__stalls ?? { count: 0, ms: 0 }) }, height: document.querySelector('video')?.videoHeight ?? null };
  });
}

/**
 * Delays (s) of the samples, leaving out misreads (a frame number that went backwards): against T0 + N/30,
 * and against when the publisher's own progress reports show frame N sent (`sentWall`, null if unknown),
 * which leaves out the publisher's lag when the shared machine slows it below real time.
 */
function delaysOf(samples: { n: number; wall: number }[], t0Wall: number, sentWall: (streamMs: number) => number | null): { delays: number[]; byPublisher: number[]; rejected: number } {
  const delays: number[] = [];
  const byPublisher: number[] = [];
  let rejected = 0;
  let prev = -1;
  for (const s of samples) {
    if (s.n < prev) {
      rejected++;
      continue;
    }
    prev = s.n;
    delays.push((s.wall - (t0Wall + (s.n * 1000) / FPS)) / 1000);
    const sent = sentWall((s.n * 1000) / FPS);
    if (sent !== null) byPublisher.push((s.wall - sent) / 1000);
  }
  return { delays, byPublisher, rejected };
}

/** A fixed sequence of rates in [0.6, 3] Mbps (an LCG: the same link every run). */
function linkRates(count: number, seed = 17): number[] {
  let x = seed;
  return Array.from({ length: count }, () => {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    return 0.6 + (x / 2 ** 31) * 2.4;
  });
}

async function waitLive(svc: Service, deadline: number): Promise<boolean> {
  while (now() < deadline) {
    const s = (await (await fetch(`${svc.base}/api/v1/status`)).json()) as { state: string };
    if (s.state === 'live') return true;
    await sleep(200);
  }
  return false;
}

const PHONE = { width: 390, height: 844 };
const LAPTOP = { width: 1280, height: 720 };

/** A new viewer page on the service, playing, with the sampler installed. */
async function openPlaying(browser: Browser, svc: Service, viewers: Viewer[], viewport: { width: number; height: number }): Promise<Viewer> {
  const v = await newViewer(browser, { viewport });
  viewers.push(v);
  await v.page.goto(`${svc.base}/`, { timeout: 30_000 });
  await v.page.locator('video').waitFor({ state: 'attached', timeout: 30_000 });
  await v.page.waitForFunction(() => (document.querySelector('video')?.currentTime ?? 0) > 0, undefined, { timeout: 40_000 });
  await startSampling(v.page, FRAME_CODE_BITS, FRAME_CODE_HEIGHT);
  return v;
}

async function runMode(browser: Browser, mode: Mode, index: number): Promise<ModeRun> {
  const r: ModeRun = { mode, index, glassToGlassSec: null, samples: 0, rejected: 0, minSec: null, maxSec: null, stalls: null, stalledSec: null, stallsPer10Min: null, renditionHeight: null };
  let svc: Service | null = null;
  const viewers: Viewer[] = [];
  try {
    svc = await startService({ root: ROOT, children, redact, env: { ADMIN_PASSWORD: PASSWORD } });
    secrets.add(svc.key);
    if (mode === 'low') {
      const admin = await adminLogin(svc.base, PASSWORD);
      const put = await adminCall(svc.base, admin, 'PUT', '/api/v1/admin/delay', { lowDelay: true });
      if (put.json?.applied !== true) throw new Error(`low-delay mode not applied: ${put.text}`);
    }
    const pub = startPublisher(children, '720p', `rtmp://127.0.0.1:${svc.ports.rtmp}/live/${svc.key}`, redact, { frameCode: true, keyframeSeconds: mode === 'low' ? 1 : 2 });
    if (!(await waitLive(svc, now() + 60_000))) throw new Error('not live within 60 s');
    // Glass-to-glass on a phone-sized page (the congregation's usual screen: the player holds 360p).
    const phone = await openPlaying(browser, svc, viewers, PHONE);
    await sleep(G2G_S * 1000);
    const anchor = pub.anchor();
    if (anchor === null) throw new Error('the publisher never reported its progress');
    const offset = Date.now() - now();
    const t0Wall = anchor + offset;
    const steady = await readSamples(phone.page);
    await phone.close();
    const { delays, byPublisher, rejected } = delaysOf(steady.samples, t0Wall, (ms) => {
      const sent = pub.sentAt(ms);
      return sent === null ? null : sent + offset;
    });
    r.glassToGlassPublisherClockSec = round(median(byPublisher), 3);
    r.publisherSpeed = pub.speed();
    r.samples = delays.length;
    r.rejected = rejected;
    r.glassToGlassSec = round(median(delays), 3);
    r.minSec = round(Math.min(...delays), 3);
    r.maxSec = round(Math.max(...delays), 3);
    r.renditionHeight = steady.height;

    if (STALL_S > 0) {
      // A laptop-sized page for the varying link: the cap to the player's size lets ABR climb to 480p and the
      // source when the link allows (a phone-sized one holds 360p, which even 0.6 Mbps carries).
      const viewer = await openPlaying(browser, svc, viewers, LAPTOP);
      const cdp = await viewer.context.newCDPSession(viewer.page);
      await cdp.send('Network.enable');
      const before = (await readSamples(viewer.page)).stalls;
      const rates = linkRates(Math.ceil(STALL_S / SWITCH_S));
      for (const mbps of rates) {
        await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 60, downloadThroughput: Math.round((mbps * 1e6) / 8), uploadThroughput: 62_500 });
        await sleep(SWITCH_S * 1000);
      }
      const after = await readSamples(viewer.page);
      r.stalls = after.stalls.count - before.count;
      r.stalledSec = round((after.stalls.ms - before.ms) / 1000, 2);
      r.stallsPer10Min = round((r.stalls * 600) / (rates.length * SWITCH_S), 1);
    }
  } catch (err) {
    r.error = redact((err as Error).message).slice(0, 1000);
  } finally {
    for (const v of viewers) await v.close();
    if (svc) {
      await svc.stop();
      removeDataDir(svc.dataDir);
    }
    await children.stopAll(3000);
  }
  return r;
}

async function main(): Promise<void> {
  const started = Date.now();
  const build = await ensureBuilt(ROOT);
  const machine = machineInfo();
  log(`delay bench: ${RUNS} run(s) × {default, low delay}, ${G2G_S} s of glass-to-glass samples, ${STALL_S} s on a varying link`);
  const browser = await launchBrowser();
  const runs: ModeRun[] = [];
  try {
    for (let i = 0; i < RUNS; i++) {
      for (const mode of ['default', 'low'] as const) {
        log(`run ${i + 1}/${RUNS} ${mode} …`);
        const r = await runMode(browser, mode, i);
        runs.push(r);
        log(`  glass-to-glass ${r.glassToGlassSec ?? '—'} s (publisher clock ${r.glassToGlassPublisherClockSec ?? '—'} s, publisher speed ${r.publisherSpeed ?? '—'}; ${r.samples} samples, ${r.rejected} misread, ${r.minSec}–${r.maxSec}), ${r.renditionHeight ?? '—'}p; stalls ${r.stalls ?? '—'} (${r.stalledSec ?? '—'} s) → ${r.stallsPer10Min ?? '—'}/10 min${r.error ? `; error: ${r.error}` : ''}`);
      }
    }
  } finally {
    await browser.close().catch(() => {});
  }
  const of = (mode: Mode, pick: (r: ModeRun) => number | null) => runs.filter((r) => r.mode === mode).map(pick);
  const g2gDefault = metric('glass-to-glass, default mode (steady link)', 's', of('default', (r) => r.glassToGlassSec), GOALS.default);
  const g2gLow = metric('glass-to-glass, low-delay mode (steady link)', 's', of('low', (r) => r.glassToGlassSec), GOALS.low);
  const metrics: Metric[] = [
    g2gDefault,
    g2gLow,
    metric('  … against the publisher\'s own clock, default', 's', of('default', (r) => r.glassToGlassPublisherClockSec ?? null), GOALS.default),
    metric('  … against the publisher\'s own clock, low delay', 's', of('low', (r) => r.glassToGlassPublisherClockSec ?? null), GOALS.low),
    metric('low ÷ default', '×', [g2gDefault.median !== null && g2gLow.median !== null ? g2gLow.median / g2gDefault.median : null], null),
    metric(`stalls per 10 min, default (0.6–3 Mbps, ${STALL_S} s scaled)`, '', of('default', (r) => r.stallsPer10Min), null, 1),
    metric(`stalls per 10 min, low delay (0.6–3 Mbps, ${STALL_S} s scaled)`, '', of('low', (r) => r.stallsPer10Min), null, 1),
  ];
  const durationSec = Math.round((Date.now() - started) / 1000);
  const result = {
    benchmark: 'delay',
    date: new Date().toISOString(),
    durationSec,
    machine: { ...machine, loadAverageAtEnd: os.loadavg().map((x) => round(x, 2)) },
    build: { built: build.built, ok: build.ok },
    config: { runs: RUNS, glassToGlassSeconds: G2G_S, stallSeconds: STALL_S, switchSeconds: SWITCH_S, linkMbps: [0.6, 3], frameCodeBits: FRAME_CODE_BITS },
    method:
      'Publisher ffmpeg -re testsrc2 720p30 with its frame number N drawn as 16 binary blocks; T0 from its -progress reports; in Chromium a presented frame is drawn into a canvas every ~0.5 s and N read back; delay = Date.now() − (T0 + N/30). Median over the samples of a run on an unthrottled link; then stalls (video "waiting" events) while CDP network emulation changes the download rate every 4 s within 0.6–3 Mbps (fixed seed), scaled to 10 minutes.',
    metrics,
    runs,
  };
  mkdirSync(path.dirname(OUT), { recursive: true });
  writeFileSync(OUT, redact(`${JSON.stringify(result, null, 2)}\n`));
  process.stdout.write(`\n${markdownTable(metrics)}\n\n${RUNS} run(s) per mode, medians. Full results: ${path.relative(ROOT, OUT)} (${Math.floor(durationSec / 60)} min ${durationSec % 60} s)\n`);
}

main()
  .catch((err) => {
    log(`delay bench failed: ${(err as Error).stack ?? String(err)}`);
    process.exitCode = 1;
  })
  .finally(() => children.stopAll(2000));
