/**
 * Chat fan-out benchmark: the batched path (/ws?batch=1) against the baseline (plain /ws: one frame per
 * message per socket, as every client got before batching), in ONE run, at 1k, 5k and 10k sockets ×
 * 20 chat messages per second in total.
 *
 *   npm run bench:fanout                        ~15–20 min on 2 cores
 *   FANOUT_BENCH_SIZES=1000 FANOUT_BENCH_RUNS=1 FANOUT_BENCH_WINDOW_S=5 …   a smoke run (fanout.smoke.json)
 *
 * Per size, one freshly started built service (test/helpers/platform.ts, CONFIG_FILE lifting the
 * per-address limits only, as bench/chat.bench.ts does; batching at its defaults: chat.batchMs 50,
 * chat.fanoutFramesPerSecond 25 000) PINNED TO CORE 0 (`taskset -a -cp 0`), the load generator (this
 * process and its two forked workers, bench/chat-load-worker.ts) PINNED TO CORE 1. Loopback only.
 * For each mode — baseline (`/ws`), then batched (`/ws?batch=1`) — the workers open N sockets straight to
 * the service's internal listener (each says hello), then RUNS windows of WINDOW_S seconds at 20 msg/s
 * from 24 senders (bench/chat.bench.ts `runPhase`: latency on the shared monotonic clock for every
 * delivery to every socket; lost = not delivered within 10 s after the window). Between windows the bench
 * waits (bounded) for the service to go idle, so a window never pays for the previous one's backlog.
 *
 * Reported per size and mode, medians over the runs: deliveries per service core-second (deliveries by
 * the window's end ÷ the service's CPU seconds in the window, from /proc/PID/stat), p50/p99 delivery
 * latency, % not delivered within 10 s, dropped clients (sockets closed by the server), service RSS peak,
 * service CPU, and the batched ÷ baseline ratio of deliveries per core-second. Bounded in time and count;
 * everything is killed at the end, on error and on Ctrl-C (the cleanup of bench/chat.bench.ts).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startService, type ServiceHandle } from '../test/helpers/platform.js';
import { adminCall, adminLogin } from '../test/helpers/ws-client.js';
import {
  endService, log, probeThroughNginx, round, rssMB, runPhase, services, sleep, startWorker, stopWorker, ulimitN,
  type PhaseSpec, type Probe, type Worker,
} from './chat.bench.js';
import type { ConnectCmd, ConnectResult } from './chat-load-worker.js';
import { ensureBuilt } from './lib/build.js';
import { clkTck, cpuModel, procStat } from './lib/proc.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const envList = (name: string) => (process.env[name] ?? '').split(',').map((s) => Number.parseInt(s, 10)).filter((n) => Number.isFinite(n) && n >= 2 && n <= 10_000);
const SIZES = envList('FANOUT_BENCH_SIZES').length > 0 ? envList('FANOUT_BENCH_SIZES').slice(0, 6) : [1000, 5000, 10_000];
const RUNS = Math.min(9, Math.max(1, Number(process.env.FANOUT_BENCH_RUNS ?? 3) || 3));
const WINDOW_S = Math.min(120, Math.max(3, Number(process.env.FANOUT_BENCH_WINDOW_S ?? 15) || 15));
const SMOKE = envList('FANOUT_BENCH_SIZES').length > 0 || RUNS !== 3 || WINDOW_S !== 15 || Boolean(process.env.FANOUT_BENCH_MODES) || Boolean(process.env.FANOUT_BENCH_FRAMES_PER_S);
const RATE = 20;
const WORKERS = 2;
const SENDERS_PER_WORKER = 12;
const BATCH = 100;
const BATCH_TIMEOUT_MS = 20_000;
const IDLE_CORES = 0.1;
const IDLE_MAX_S = 60;
/** FANOUT_BENCH_FRAMES_PER_S (diagnostics, smoke output only): another chat.fanoutFramesPerSecond. */
const FRAMES_PER_S = Number(process.env.FANOUT_BENCH_FRAMES_PER_S ?? 0) || 0;
const CHAT_CONFIG = { chat: { ipRatePerSecond: 1000, ipBurst: 1000, maxSocketsPerIp: 10_000, ...(FRAMES_PER_S ? { fanoutFramesPerSecond: FRAMES_PER_S } : {}) } };
const ALL_MODES = [
  { name: 'baseline', query: '', what: 'plain /ws: one websocket frame per message per socket (the path before batching; still serialised once per broadcast)' },
  { name: 'batched', query: '?batch=1', what: '/ws?batch=1: batch frames, chat.batchMs 50, chat.fanoutFramesPerSecond 25 000' },
] as const;
/** FANOUT_BENCH_MODES=batched (diagnostics, smoke output only): one mode. */
const MODES = ALL_MODES.filter((m) => !process.env.FANOUT_BENCH_MODES || process.env.FANOUT_BENCH_MODES.split(',').includes(m.name));
type Mode = (typeof ALL_MODES)[number];

/** Pins a process and all its threads to one core. */
function pin(pid: number, core: number): void {
  execFileSync('taskset', ['-a', '-cp', String(core), String(pid)], { stdio: 'ignore', timeout: 5000 });
}

/** Loopback source address per size, mode and worker: no ephemeral port is reused across connects. */
const sourceAddress = (size: number, mode: number, worker: number) => `127.${10 + (process.pid % 200)}.${100 + size * 2 + mode}.${worker + 2}`;

const median = (xs: (number | null)[]) => {
  const v = xs.filter((x): x is number => x !== null && Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return null;
  return v.length % 2 ? v[(v.length - 1) / 2]! : (v[v.length / 2 - 1]! + v[v.length / 2]!) / 2;
};

/** Waits (bounded) until the service uses under IDLE_CORES over a second: the previous window's backlog is gone. */
async function waitIdle(pid: number): Promise<{ idle: boolean; waitedS: number }> {
  const tck = clkTck();
  const start = Date.now();
  for (let i = 0; i < IDLE_MAX_S; i++) {
    const c0 = procStat(pid)?.cpuTicks ?? 0;
    await sleep(1000);
    if (((procStat(pid)?.cpuTicks ?? 0) - c0) / tck < IDLE_CORES) return { idle: true, waitedS: round((Date.now() - start) / 1000, 1) };
  }
  return { idle: false, waitedS: round((Date.now() - start) / 1000, 1) };
}

interface RunFigures {
  deliveriesPerCoreSecond: number | null;
  p50Ms: number | null;
  p99Ms: number | null;
  notDeliveredWithin10sPct: number | null;
  droppedClients: number;
  rssPeakMB: number | null;
  serviceCores: number;
  rateLimited: number;
  achievedPerSecond: number;
  idleBefore: { idle: boolean; waitedS: number };
}

function figures(ph: any, open: number, idleBefore: RunFigures['idleBefore']): RunFigures {
  const cpuS = ph.service.cpuCores * ph.window.seconds;
  return {
    // An earlier window's late deliveries are the service's work in this window too: counted.
    deliveriesPerCoreSecond: cpuS > 0 ? Math.round((ph.deliveries.deliveredByWindowEnd + ph.deliveries.staleByWindowEnd) / cpuS) : null,
    p50Ms: ph.latencyMs.p50,
    p99Ms: ph.latencyMs.p99,
    notDeliveredWithin10sPct: ph.deliveries.lostPct,
    droppedClients: open - ph.loadGenerator.openAtEnd,
    rssPeakMB: ph.service.rssMB.windowPeak,
    serviceCores: ph.service.cpuCores,
    rateLimited: ph.messages.sendErrors.rate_limited ?? 0,
    achievedPerSecond: ph.deliveries.achievedPerSecondDuringWindow,
    idleBefore,
  };
}

/** One mode at one size: connect, RUNS windows, disconnect. */
async function runMode(mode: Mode, modeIndex: number, size: number, sizeIndex: number, service: ServiceHandle, probe: Probe, phaseBase: number) {
  const pid = service.proc.pid!;
  const ws: Worker[] = [];
  try {
    for (let i = 0; i < WORKERS; i++) {
      const w = await startWorker(i);
      pin(w.proc.pid!, 1);
      ws.push(w);
    }
    const perWorker = Math.ceil(size / WORKERS);
    const t0 = Date.now();
    const connected = await Promise.all(
      ws.map((w, i) => {
        const count = Math.min(perWorker, size - i * perWorker);
        const cmd: ConnectCmd = {
          cmd: 'connect', url: `ws://127.0.0.1:${service.internalPort}/ws${mode.query}`, count, localAddress: sourceAddress(sizeIndex, modeIndex, i), batch: BATCH,
          senders: SENDERS_PER_WORKER, worker: i, workers: WORKERS, batchTimeoutMs: BATCH_TIMEOUT_MS,
        };
        w.send(cmd);
        return w.waitFor<ConnectResult>('connected', Math.ceil(count / BATCH) * BATCH_TIMEOUT_MS + 10_000);
      }),
    );
    const open = connected.reduce((a, c) => a + c.open, 0);
    log(`${size} sockets, ${mode.name}: ${open} open in ${Date.now() - t0} ms`);
    if (open === 0) throw new Error('no socket connected');
    const runs: { figures: RunFigures; phase: Record<string, unknown> }[] = [];
    const spec: PhaseSpec = { name: mode.name, rate: RATE, seconds: WINDOW_S };
    for (let r = 0; r < RUNS; r++) {
      const idleBefore = await waitIdle(pid);
      const phase = await runPhase(spec, phaseBase + r, { sockets: size, pid, ws, open, probe });
      runs.push({ figures: figures(phase, open, idleBefore), phase });
    }
    return { mode: mode.name, what: mode.what, open, connectMs: Date.now() - t0, runs };
  } finally {
    await Promise.all(ws.map((w) => stopWorker(w)));
  }
}

function summarize(runs: { figures: RunFigures }[]) {
  const f = runs.map((r) => r.figures);
  const m = (k: keyof RunFigures) => median(f.map((x) => x[k] as number | null));
  return {
    deliveriesPerCoreSecond: m('deliveriesPerCoreSecond'),
    p50Ms: m('p50Ms'),
    p99Ms: m('p99Ms'),
    notDeliveredWithin10sPct: m('notDeliveredWithin10sPct'),
    droppedClients: Math.max(...f.map((x) => x.droppedClients)),
    rssPeakMB: m('rssPeakMB'),
    serviceCores: m('serviceCores'),
    rateLimited: f.reduce((a, x) => a + x.rateLimited, 0),
  };
}

async function runSize(size: number, sizeIndex: number) {
  const configFile = path.join(os.tmpdir(), `cdp-fanout-bench-${process.pid}.json`);
  writeFileSync(configFile, JSON.stringify(CHAT_CONFIG));
  let service: ServiceHandle | undefined;
  let probe: Probe | undefined;
  try {
    service = await startService({ CONFIG_FILE: configFile, ADMIN_PASSWORD: `bench-${process.pid}-fanout`, LOG_LEVEL: 'info' });
    services.add(service);
    const pid = service.proc.pid!;
    pin(pid, 0);
    const admin = await adminLogin(service.base, `bench-${process.pid}-fanout`);
    const off = await adminCall(service.base, admin, 'PUT', '/api/v1/admin/chat/settings', { joinNotices: false });
    if (off.status !== 200) throw new Error(`could not switch join notices off: ${off.status} ${off.text}`);
    probe = await probeThroughNginx(service.httpPort);
    const rssIdle = rssMB(pid);
    log(`${size} sockets: service pid ${pid} pinned to core 0, RSS ${rssIdle} MB`);
    const modes = [];
    for (const [i, mode] of MODES.entries()) modes.push(await runMode(mode, i, size, sizeIndex, service, probe, (sizeIndex * MODES.length + i) * 100));
    const summary = Object.fromEntries(modes.map((m) => [m.mode, summarize(m.runs)]));
    const base = summary.baseline?.deliveriesPerCoreSecond;
    const batched = summary.batched?.deliveriesPerCoreSecond;
    const ratio = base && batched ? round(batched / base, 2) : null;
    log(`${size} sockets: deliveries per core-second ${base} → ${batched} (×${ratio})`);
    return { sockets: size, rssIdleMB: rssIdle, summary, ratio, modes };
  } finally {
    probe?.close();
    if (service) await endService(service);
    rmSync(configFile, { force: true });
  }
}

async function main(): Promise<void> {
  const started = Date.now();
  if (os.availableParallelism() < 2) throw new Error('needs 2 cores: the service on core 0, the load generator on core 1');
  const limits = ulimitN();
  const need = Math.max(...SIZES) + 200;
  if (limits.soft !== 'unlimited' && Number(limits.soft) < need) throw new Error(`ulimit -n ${limits.soft} is below ${need}: raise it (ulimit -n 20000) and run again`);
  pin(process.pid, 1);
  const build = await ensureBuilt(ROOT);
  if (build.built) log(`built the service (${build.reason}) in ${build.ms} ms${build.ok ? '' : ' WITH ERRORS'}`);
  if (!existsSync(path.join(ROOT, 'dist/server/src/main.js'))) throw new Error('dist/server/src/main.js missing after build');
  const results = [];
  for (const [i, n] of SIZES.entries()) results.push(await runSize(n, i));
  const out = {
    benchmark: 'chat fan-out: batched vs baseline',
    date: new Date().toISOString(),
    machine: { nproc: os.availableParallelism(), cpuModel: cpuModel(), node: process.version, kernel: `${os.type()} ${os.release()}`, loadAverageAtStart: os.loadavg().map((x) => round(x, 2)) },
    method: {
      pinning: 'service (node and all its threads) on core 0 with taskset -a -cp 0; this process and its two load workers on core 1',
      modes: Object.fromEntries(MODES.map((m) => [m.name, m.what])),
      traffic: `${RATE} chat messages per second in total from ${WORKERS * SENDERS_PER_WORKER} sender sockets; ${RUNS} windows of ${WINDOW_S} s per size and mode on the same sockets, each after the service went idle (< ${IDLE_CORES} cores, at most ${IDLE_MAX_S} s)`,
      figures: 'medians over the windows; deliveriesPerCoreSecond = deliveries received by the window end (an earlier window\'s late ones included) ÷ service CPU seconds (utime+stime, /proc/PID/stat) in the window; latency = arrival − send on the shared monotonic clock, every delivery; notDeliveredWithin10sPct = deliveries owed (messages accepted × sockets) not received 10 s after the window; droppedClients = sockets the server closed (max over windows); rateLimited = honest sends refused (summed)',
      config: CHAT_CONFIG,
      path: "load sockets straight to the service's internal listener (not through nginx); one probe socket through nginx (in each window's phase record)",
    },
    sizes: results,
    runSeconds: round((Date.now() - started) / 1000, 1),
  };
  const dir = path.join(ROOT, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, SMOKE ? 'fanout.smoke.json' : 'fanout.json');
  writeFileSync(file, `${JSON.stringify(out, null, 2)}\n`);
  const f = (x: number | null | undefined, unit = '') => (x === null || x === undefined ? '—' : `${x.toLocaleString('en-US')}${unit}`);
  const lines = [
    '| sockets | path | deliveries / core-s | p50 | p99 | not delivered in 10 s | dropped clients | service RSS | service CPU |',
    '|---:|---|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const r of results) {
    for (const name of ['baseline', 'batched'] as const) {
      const s = r.summary[name];
      if (!s) continue;
      const dpcs = name === 'batched' && r.ratio !== null ? `${f(s.deliveriesPerCoreSecond)} (**×${r.ratio}**)` : f(s.deliveriesPerCoreSecond);
      lines.push(`| ${r.sockets.toLocaleString('en-US')} | ${name} | ${dpcs} | ${f(s.p50Ms, ' ms')} | ${f(s.p99Ms, ' ms')} | ${f(s.notDeliveredWithin10sPct, ' %')} | ${s.droppedClients} | ${f(s.rssPeakMB, ' MB')} | ${f(s.serviceCores, ' cores')} |`);
    }
  }
  process.stdout.write(`\n${lines.join('\n')}\n\nMedians of ${RUNS} windows of ${WINDOW_S} s, ${RATE} msg/s; service on core 0, load generator on core 1; written to ${path.relative(ROOT, file)} in ${out.runSeconds} s.\n`);
}

main().then(
  () => process.exit(0),
  (err: Error) => {
    log(`FAILED: ${err.stack ?? err.message}`);
    process.exit(1);
  },
);
