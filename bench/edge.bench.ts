/**
 * HLS viewers through one edge cache (deploy/edge/ template, real nginx) on loopback, against the same
 * viewers straight at the origin: how many requests reach the origin each second either way, and whether
 * 5,000 viewers through the edge get every answer.
 *
 *   npm run bench:edge                      5,000 viewers direct, then 5,000 through the edge, 20 s each
 *   BENCH_VIEWERS=1000 BENCH_WINDOW_S=5 …   a quick smoke run (written to edge.smoke.json)
 *
 * One service (fresh DATA_DIR, free loopback ports), one publisher (ffmpeg 640x360, 2 s keyframes), one
 * edge nginx started by test/helpers/edge.ts (2 workers, its own prefix and cache) in front of the
 * service's public port. Viewers are test/helpers/hls-viewers.ts (autocannon in this process): the 360p
 * playlist, then the newest segment it lists, 1 request/s per viewer. The origin's requests are counted
 * from its own access log (DATA_DIR/nginx-web/logs/access.log) between the start and the end of each
 * window; the edge's answers by cache status from the edge's log.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEdge, type EdgeHandle } from '../test/helpers/edge.js';
import { assertEnoughFiles, runViewers, type ViewerLoadResult } from '../test/helpers/hls-viewers.js';
import { freePort } from '../test/helpers/platform.js';
import { ensureBuilt } from './lib/build.js';
import { ChildSet } from './lib/children.js';
import { machineInfo } from './lib/report.js';
import { removeDataDir, startService, summarizeLogs, type Service } from './lib/service.js';
import { publishUntilLive } from './lib/publisher.js';
import { round, sleep } from './lib/time.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const VIEWERS = Math.min(10_000, Math.max(10, Number.parseInt(process.env.BENCH_VIEWERS ?? '5000', 10) || 5000));
const WINDOW_S = Math.min(60, Math.max(3, Number(process.env.BENCH_WINDOW_S ?? 20) || 20));
const SMOKE = VIEWERS < 5000 || WINDOW_S < 10;
const LIVE_TIMEOUT_MS = 45_000;

const children = new ChildSet();
const secrets = new Set<string>();
const redact = (s: string) => [...secrets].reduce((acc, k) => acc.split(k).join('<stream-key>'), s);

/** Bytes of a log so far: the window's lines are what is appended after it. */
const sizeOf = (file: string) => {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
};
const linesSince = (file: string, from: number) => readFileSync(file).subarray(from).toString('utf8').split('\n').filter(Boolean);

interface Window {
  via: 'origin' | 'edge';
  viewers: ViewerLoadResult;
  originRequests: number;
  originRequestsPerSec: number;
  originSegmentRequests: number;
  originPlaylistRequests: number;
  /** Edge answers by $upstream_cache_status (HIT, MISS, UPDATING, STALE, EXPIRED, -). */
  edgeCache?: Record<string, number>;
}

async function window(via: 'origin' | 'edge', base: string, originLog: string, edge: EdgeHandle | null): Promise<Window> {
  const originFrom = sizeOf(originLog);
  const edgeFrom = edge ? sizeOf(edge.accessLog) : 0;
  const viewers = await runViewers({ base, rendition: 'low', connections: VIEWERS, durationS: WINDOW_S, ratePerConnection: 1, timeoutS: 10 });
  await sleep(3000); // the edge's access log is buffered (flush=2s)
  const origin = linesSince(originLog, originFrom).filter((l) => l.includes('"GET /video/'));
  const w: Window = {
    via,
    viewers,
    originRequests: origin.length,
    originRequestsPerSec: round(origin.length / viewers.durationS, 2)!,
    originSegmentRequests: origin.filter((l) => /\.ts" /.test(l)).length,
    originPlaylistRequests: origin.filter((l) => /\.m3u8" /.test(l)).length,
  };
  if (edge) {
    const cache: Record<string, number> = {};
    for (const l of linesSince(edge.accessLog, edgeFrom)) {
      const m = / cache=(\S+)$/.exec(l);
      if (m) cache[m[1]!] = (cache[m[1]!] ?? 0) + 1;
    }
    w.edgeCache = cache;
  }
  const v = viewers;
  process.stderr.write(
    `${via}: ${VIEWERS} viewers, ${v.requestsPerSec.toFixed(0)} req/s answered, p99 ${v.steadyLatencyMs?.p99 ?? '—'} ms, errors ${v.errors} timeouts ${v.timeouts} non-2xx ${v.non2xx}; ` +
      `origin ${w.originRequests} requests (${w.originRequestsPerSec}/s)${w.edgeCache ? `; edge cache ${JSON.stringify(w.edgeCache)}` : ''}\n`,
  );
  return w;
}

function markdown(direct: Window, edge: Window, ratio: number | null): string {
  const row = (w: Window) => {
    const v = w.viewers;
    return `| ${w.via === 'edge' ? 'through one edge' : 'straight at the origin'} | ${VIEWERS} | ${v.requestsPerSec.toFixed(0)} | ${v.steadyLatencyMs?.p50 ?? '—'} ms | ${v.steadyLatencyMs?.p99 ?? '—'} ms | ${v.errors + v.timeouts + v.non2xx} | ${w.originRequestsPerSec} |`;
  };
  return [
    '| viewers | count | answers/s | p50 | p99 | errors | origin requests/s |',
    '|---|---|---|---|---|---|---|',
    row(direct),
    row(edge),
    '',
    `origin request rate, direct ÷ through the edge: ${ratio ?? '—'}×`,
  ].join('\n');
}

async function main(): Promise<void> {
  assertEnoughFiles(VIEWERS);
  const machine = machineInfo();
  const build = await ensureBuilt(ROOT);
  process.stderr.write(`edge bench: ${VIEWERS} viewers direct, then through one edge, ${WINDOW_S} s each\n`);
  let svc: Service | undefined;
  let edge: EdgeHandle | null = null;
  const edgeDir = mkdtempSync(path.join(os.tmpdir(), 'cdp-bench-edge-'));
  let logs = '';
  let direct: Window;
  let through: Window;
  try {
    svc = await startService({ root: ROOT, children, redact });
    secrets.add(svc.key);
    edge = await startEdge({ originUrl: svc.base, port: await freePort(), dir: edgeDir, connections: Math.max(4096, VIEWERS * 2) });
    await publishUntilLive(children, svc, redact, LIVE_TIMEOUT_MS);
    await sleep(4000);
    const originLog = path.join(svc.dataDir, 'nginx-web', 'logs', 'access.log');
    direct = await window('origin', svc.base, originLog, null);
    await sleep(3000);
    through = await window('edge', edge.url, originLog, edge);
  } finally {
    await edge?.stop();
    rmSync(edgeDir, { recursive: true, force: true });
    if (svc) {
      logs = svc.output();
      await svc.stop();
      removeDataDir(svc.dataDir);
    }
    await children.stopAll(3000);
  }
  const ratio = through.originRequestsPerSec > 0 ? round(direct.originRequestsPerSec / through.originRequestsPerSec, 0) : null;
  const out = {
    bench: 'edge',
    at: new Date().toISOString(),
    machine,
    build,
    method: {
      tool: 'autocannon (in process), test/helpers/hls-viewers.ts; edge: deploy/edge/casadelpadre-edge.conf.template via test/helpers/edge.ts (nginx, 2 workers)',
      pattern: 'playlist /video/envivo_low/index.m3u8, then the newest segment it lists, 1 request/s per viewer',
      viewers: VIEWERS,
      windowS: WINDOW_S,
      originRequests: "lines of the origin's web nginx access log with GET /video/ written during the window",
      publisher: 'ffmpeg testsrc2 640x360@30, x264 ultrafast, 2 s GOP, AAC',
    },
    direct,
    edge: through,
    originRequestRatio: ratio,
    serviceLogs: summarizeLogs(logs),
  };
  const dir = path.join(ROOT, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, SMOKE ? 'edge.smoke.json' : 'edge.json');
  writeFileSync(file, JSON.stringify(out, null, 2) + '\n');
  console.log(`\nHLS viewers with and without one edge cache (360p, 1 req/s per viewer, ${WINDOW_S} s each)\n`);
  console.log(markdown(direct, through, ratio));
  console.log(`\nwritten to ${path.relative(ROOT, file)}`);
}

main().catch(async (err) => {
  process.stderr.write(`edge bench failed: ${redact(String((err as Error)?.stack ?? err))}\n`);
  await children.stopAll(2000);
  process.exit(1);
});
