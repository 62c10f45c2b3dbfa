/**
 * The OBS chat overlay's memory over a long service (issue 14: "no memory growth over a day of messages").
 *
 *   node --import tsx bench/overlay.bench.ts        (npm run bench:overlay) ~1 min → bench/results/overlay.json
 *   OVERLAY_BENCH_MESSAGES=2000 …                   a smoke run → bench/results/overlay.smoke.json
 *
 * A fresh built service (test/helpers/platform.ts: temp DATA_DIR, free loopback ports, nginx in front) and a
 * headless Chromium page at /chat, 1920×1080, default options (8 lines, 30 s). A signed-in moderator's /ws
 * socket (the chat's rate limits do not apply to moderators) sends N distinct messages in batches of 100,
 * each batch acknowledged (stored) and shown by the page before the next. At 0, 1,000, 2,500, 5,000 and
 * 10,000 messages: three forced GCs (CDP HeapProfiler.collectGarbage), then the JS heap in use
 * (Runtime.getHeapUsage), DOM nodes and JS event listeners (Performance.getMetrics), lines on screen.
 * Not a timing figure: the rate is recorded only to show how fast the 10,000 went through.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchBrowser, snapshotWebDist } from '../test/e2e/browser.js';
import { measureOverlayMemory } from '../test/helpers/overlay-memory.js';
import { cleanupService, ROOT, startService, type ServiceHandle } from '../test/helpers/platform.js';
import { machineInfo } from './lib/report.js';

const TOTAL = Number(process.env.OVERLAY_BENCH_MESSAGES ?? 10_000);
const SMOKE = TOTAL !== 10_000;
const PASSWORD = 'clave-bench-overlay';

async function main(): Promise<void> {
  const checkpoints = [1000, 2500, 5000, 10_000].filter((c) => c <= TOTAL);
  if (!checkpoints.includes(TOTAL)) checkpoints.push(TOTAL);
  const machine = machineInfo();
  const web = snapshotWebDist();
  let svc: ServiceHandle | undefined;
  const browser = await launchBrowser();
  const started = Date.now();
  try {
    svc = await startService({ ADMIN_PASSWORD: PASSWORD, WEB_ROOT: web.dir });
    const run = await measureOverlayMemory(svc, browser, PASSWORD, checkpoints);
    const MiB = 1024 * 1024;
    const points = run.points.map((p) => ({ ...p, heapUsedMiB: Math.round((p.heapUsed / MiB) * 100) / 100 }));
    const at = (n: number) => points.find((p) => p.messages === n);
    const first = at(Math.min(1000, TOTAL));
    const last = at(TOTAL);
    const out = {
      bench: 'overlay-memory',
      date: new Date().toISOString(),
      machine,
      page: '/chat (1920×1080, default options: 8 lines, 30 s)',
      messages: TOTAL,
      messagesPerSecond: Math.round(run.rate),
      points,
      growthAfter1000MiB: first && last ? Math.round(((last.heapUsed - first.heapUsed) / MiB) * 100) / 100 : null,
      runSeconds: Math.round((Date.now() - started) / 1000),
    };
    const dir = path.join(ROOT, 'bench', 'results');
    mkdirSync(dir, { recursive: true });
    const file = path.join(dir, SMOKE ? 'overlay.smoke.json' : 'overlay.json');
    writeFileSync(file, `${JSON.stringify(out, null, 2)}\n`);
    const lines = ['| messages | JS heap (after GC) | DOM nodes | listeners | lines shown |', '|---:|---:|---:|---:|---:|'];
    for (const p of points) lines.push(`| ${p.messages.toLocaleString('en-US')} | ${p.heapUsedMiB} MiB | ${p.domNodes} | ${p.listeners} | ${p.lines} |`);
    process.stdout.write(`${lines.join('\n')}\n\n${run.rate.toFixed(0)} messages/s; written to ${path.relative(ROOT, file)}.\n`);
  } finally {
    await browser.close().catch(() => {});
    await cleanupService(svc);
    web.remove();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().then(
    () => process.exit(0),
    (err: Error) => {
      process.stderr.write(`FAILED: ${err.stack ?? err.message}\n`);
      process.exit(1);
    },
  );
}
