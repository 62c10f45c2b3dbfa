/**
 * HLS viewer load: how nginx answers 1,000 / 2,500 / 5,000 simulated viewers on loopback, and what
 * nginx and the service hold in memory meanwhile.
 *
 *   npm run bench:hls                   3 runs × {1000, 2500, 5000} viewers, interleaved (~5–7 min)
 *   BENCH_RUNS=1 BENCH_WINDOW_S=5 …     a quick smoke run (written to hls.smoke.json, not hls.json)
 *   BENCH_RENDITION=audio               the audio-only rendition's segments instead of 360p
 *
 * One service (`node dist/server/src/main.js`, fresh DATA_DIR, free loopback ports) and one synthetic
 * publisher (ffmpeg, 640x360, -re, keyframe every 2 s) for all runs; once the status is live, each run
 * is autocannon in this process (test/helpers/hls-viewers.ts, the same viewers as
 * test/faults/hls-load.test.ts): every connection reads the 360p playlist and then the newest segment it
 * lists, at a player's pace (1 request/s per connection: a playlist and a segment per 2 s fragment),
 * for BENCH_WINDOW_S seconds. Runs are interleaved so that a burst of load from other users of the
 * machine does not land on one size only; 3 s of rest between runs.
 *
 * Latency: p50/p99 of the answers after every viewer had its first one (steady state) and autocannon's
 * own figures over all answers (which include the start-up burst: autocannon creates all its clients in
 * one synchronous loop and times each first request from its client's creation). The client's event
 * loop delay is recorded: when it is high, the latencies measure a starved load generator.
 * Memory: every second of a run, VmRSS summed over every nginx process whose command line contains the
 * DATA_DIR (the media nginx, and the public web nginx once it is split out), and the service's (node)
 * VmRSS; the peak of each run is reported.
 */
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runViewers, assertEnoughFiles, type ViewerLoadResult, type ViewerRendition } from '../test/helpers/hls-viewers.js';
import { ensureBuilt } from './lib/build.js';
import { ChildSet } from './lib/children.js';
import { cmdline, descendants, statusKb } from './lib/proc.js';
import { machineInfo } from './lib/report.js';
import { removeDataDir, startService, summarizeLogs, type Service } from './lib/service.js';
import { publishUntilLive } from './lib/publisher.js';
import { median, round, sleep } from './lib/time.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const RUNS = Math.min(10, Math.max(1, Number.parseInt(process.env.BENCH_RUNS ?? '3', 10) || 3));
const WINDOW_S = Math.min(60, Math.max(3, Number(process.env.BENCH_WINDOW_S ?? 15) || 15));
const RENDITION: ViewerRendition = process.env.BENCH_RENDITION === 'audio' ? 'audio' : 'low';
const SIZES = [1000, 2500, 5000];
const RATE_PER_CONNECTION = 1;
const TIMEOUT_S = 10;
const REST_MS = 3000;
const LIVE_TIMEOUT_MS = 45_000;
const SMOKE = RUNS === 1 || WINDOW_S < 10;

const children = new ChildSet();
const secrets = new Set<string>();
const redact = (s: string) => [...secrets].reduce((acc, k) => acc.split(k).join('<stream-key>'), s);

/**
 * VmRSS (kB) summed over every nginx of this DATA_DIR (the media one, and the public web one once it is
 * split out): masters are found by their command line, which names the prefix inside DATA_DIR; their
 * workers ("nginx: worker process") by parentage.
 */
function nginxRssKb(dataDir: string): { kb: number; processes: number } {
  const pids = new Set<number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const line = cmdline(Number(name)).join(' ');
    if (!/^nginx: master process|(^|\/)nginx /.test(line) || !line.includes(dataDir)) continue;
    pids.add(Number(name));
    for (const d of descendants(Number(name))) if (d.comm === 'nginx') pids.add(d.pid);
  }
  let kb = 0;
  let processes = 0;
  for (const pid of pids) {
    const rss = statusKb(pid, 'VmRSS');
    if (rss === null) continue;
    kb += rss;
    processes++;
  }
  return { kb, processes };
}

interface RunRecord {
  connections: number;
  run: number;
  result: ViewerLoadResult;
  peakNginxRssMB: number;
  nginxProcesses: number;
  peakServiceRssMB: number;
  loadAverage: number[];
}

async function oneRun(svc: Service, connections: number, run: number): Promise<RunRecord> {
  let peakNginx = 0;
  let nginxProcesses = 0;
  let peakService = 0;
  const sample = () => {
    const n = nginxRssKb(svc.dataDir);
    if (n.kb > peakNginx) {
      peakNginx = n.kb;
      nginxProcesses = n.processes;
    }
    peakService = Math.max(peakService, statusKb(svc.pid, 'VmRSS') ?? 0);
  };
  sample();
  const sampler = setInterval(sample, 1000);
  let result: ViewerLoadResult;
  try {
    result = await runViewers({ base: svc.base, rendition: RENDITION, connections, durationS: WINDOW_S, ratePerConnection: RATE_PER_CONNECTION, timeoutS: TIMEOUT_S });
  } finally {
    clearInterval(sampler);
  }
  sample();
  return {
    connections,
    run,
    result,
    peakNginxRssMB: round(peakNginx / 1024, 1)!,
    nginxProcesses,
    peakServiceRssMB: round(peakService / 1024, 1)!,
    loadAverage: os.loadavg().map((x) => round(x, 2)!),
  };
}

function summarize(records: RunRecord[]) {
  return SIZES.map((connections) => {
    const rs = records.filter((r) => r.connections === connections);
    const med = (f: (r: RunRecord) => number | null | undefined, digits = 1) =>
      round(median(rs.map(f).filter((x): x is number => typeof x === 'number' && Number.isFinite(x))), digits);
    return {
      connections,
      runs: rs.length,
      p50Ms: med((r) => r.result.steadyLatencyMs?.p50),
      p99Ms: med((r) => r.result.steadyLatencyMs?.p99),
      p999Ms: med((r) => r.result.steadyLatencyMs?.p999),
      withRampUpP50Ms: med((r) => r.result.latencyMs.p50),
      withRampUpP99Ms: med((r) => r.result.latencyMs.p99),
      rampUpS: med((r) => r.result.rampUpS),
      requestsPerSec: med((r) => r.result.requestsPerSec, 0),
      megabytesPerSec: med((r) => r.result.megabytesPerSec),
      errors: med((r) => r.result.errors + r.result.timeouts + r.result.non2xx, 0),
      errorsTotal: rs.reduce((a, r) => a + r.result.errors + r.result.timeouts + r.result.non2xx, 0),
      clientLoopDelayP99Ms: med((r) => r.result.clientLoopDelayP99Ms, 0),
      peakNginxRssMB: med((r) => r.peakNginxRssMB),
      peakServiceRssMB: med((r) => r.peakServiceRssMB),
    };
  });
}

type Summary = ReturnType<typeof summarize>[number];

function markdown(rows: Summary[]): string {
  const f = (x: number | null, unit = '') => (x === null ? '—' : `${x}${unit}`);
  const lines = [
    '| viewers | p50 | p99 | p99.9 | p99 incl. ramp-up | req/s | MB/s | errors (all runs) | nginx RSS | service RSS | client loop delay p99 |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const r of rows) {
    lines.push(
      `| ${r.connections} | ${f(r.p50Ms, ' ms')} | ${f(r.p99Ms, ' ms')} | ${f(r.p999Ms, ' ms')} | ${f(r.withRampUpP99Ms, ' ms')} | ${f(r.requestsPerSec)} | ${f(r.megabytesPerSec)} | ${r.errorsTotal} | ${f(r.peakNginxRssMB, ' MB')} | ${f(r.peakServiceRssMB, ' MB')} | ${f(r.clientLoopDelayP99Ms, ' ms')} |`,
    );
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  assertEnoughFiles(Math.max(...SIZES));
  const machine = machineInfo();
  const build = await ensureBuilt(ROOT);
  process.stderr.write(`hls bench: ${RUNS} run(s) × {${SIZES.join(', ')}} viewers, ${WINDOW_S} s each, ${RENDITION} rendition\n`);

  let svc: Service | undefined;
  const records: RunRecord[] = [];
  let logs = '';
  try {
    svc = await startService({ root: ROOT, children, redact });
    secrets.add(svc.key);
    await publishUntilLive(children, svc, redact, LIVE_TIMEOUT_MS);
    // A few segments in every rendition before the first run.
    await sleep(4000);

    for (let run = 1; run <= RUNS; run++) {
      for (const connections of SIZES) {
        const r = await oneRun(svc, connections, run);
        records.push(r);
        const st = r.result.steadyLatencyMs;
        process.stderr.write(
          `run ${run} · ${connections} viewers: p50 ${st?.p50 ?? '—'} ms, p99 ${st?.p99 ?? '—'} ms (incl. ramp-up ${r.result.latencyMs.p99} ms), ` +
            `${r.result.requestsPerSec.toFixed(0)} req/s, ${r.result.megabytesPerSec.toFixed(1)} MB/s, errors ${r.result.errors} timeouts ${r.result.timeouts} non-2xx ${r.result.non2xx}, ` +
            `nginx ${r.peakNginxRssMB} MB, service ${r.peakServiceRssMB} MB, load ${r.loadAverage.join(' ')}\n`,
        );
        await sleep(REST_MS);
      }
    }
  } finally {
    if (svc) {
      logs = svc.output();
      await svc.stop();
      removeDataDir(svc.dataDir);
    }
    await children.stopAll(3000);
  }

  const rows = summarize(records);
  const out = {
    bench: 'hls',
    at: new Date().toISOString(),
    machine,
    build,
    method: {
      tool: 'autocannon (in process), test/helpers/hls-viewers.ts',
      rendition: RENDITION,
      pattern: `playlist /video/envivo_${RENDITION}/index.m3u8, then the newest segment it lists, repeated`,
      ratePerConnection: RATE_PER_CONNECTION,
      windowS: WINDOW_S,
      timeoutS: TIMEOUT_S,
      runs: RUNS,
      sizes: SIZES,
      publisher: 'ffmpeg testsrc2 640x360@30, x264 ultrafast, 2 s GOP, AAC',
      latency: 'steady state = answers after every connection had its first answer; "with ramp-up" = autocannon over all answers',
      rss: 'peak of per-second samples during the run: VmRSS summed over nginx processes whose command line contains DATA_DIR; service = node VmRSS',
    },
    medians: rows,
    runs: records,
    serviceLogs: summarizeLogs(logs),
  };
  const dir = path.join(ROOT, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, SMOKE ? 'hls.smoke.json' : 'hls.json');
  writeFileSync(file, JSON.stringify(out, null, 2) + '\n');
  console.log(`\nHLS viewers (${RENDITION} rendition, ${RATE_PER_CONNECTION} req/s per viewer, ${WINDOW_S} s, medians of ${RUNS} run(s))\n`);
  console.log(markdown(rows));
  console.log(`\nwritten to ${path.relative(ROOT, file)}`);
}

main().catch(async (err) => {
  process.stderr.write(`hls bench failed: ${redact(String((err as Error)?.stack ?? err))}\n`);
  await children.stopAll(2000);
  process.exit(1);
});
