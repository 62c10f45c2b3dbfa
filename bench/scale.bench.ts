/**
 * Websockets across two web instances (issue 18): goal 20,000 sockets with each instance's RSS ≤ 400 MB.
 *
 *   node --import tsx bench/scale.bench.ts      (npm run bench:scale) ~3–6 min on 2 shared cores
 *   SCALE_BENCH_SOCKETS=2000 SCALE_BENCH_WINDOW_S=5 …   a quick smoke run (written to scale.smoke.json)
 *   SCALE_BENCH_CONNECT_MAX_S (default 900): the time allowed for opening the sockets. On a shared machine
 *   it may not be enough: the bench then stops where it got, records the sockets each instance held and
 *   its RSS at that point (pass: false), and skips the chat phase.
 *
 * A real redis-server and two built services with ROLE=web (test/helpers: temp DATA_DIR, free loopback
 * ports), run with a CONFIG_FILE that lifts the per-address limits (every socket comes from loopback; the
 * per-connection limit stays as shipped). No origin: a web instance needs none to hold sockets (the stream
 * reads "offline"); the chat and the audience cross instances through Redis exactly as in production.
 *
 * 1. Four load workers (bench/chat-load-worker.ts, forked), two per instance, each with its own loopback
 *    source address and a quarter of the sockets (≤ 5,000 per address), connect in batches of 100 DIRECTLY
 *    to each instance's internal listener (its generated nginx allows 4,096 connections per worker; the
 *    load balancer in front is not what is measured). Every socket says `hello` and waits for `welcome`.
 * 2. The audience: each instance's GET /api/v1/status `viewers` must reach the total (Redis presence).
 * 3. One chat phase: 2 msg/s for WINDOW_S seconds from sockets on both instances; a message sent on one
 *    instance is owed to every socket on both. Latency = arrival − send on the machine's monotonic clock.
 * 4. RSS (VmRSS) of each instance's node process, sampled every second from the first connection to the
 *    end of the drain: its peak is the figure checked against 400 MB.
 *
 * Loopback only; every loop and wait is bounded; the workers, the services, their nginx and Redis are
 * stopped at the end, on error and on Ctrl-C.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHistogram } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { cleanupService, sleep, startService, waitFor, type ServiceHandle } from '../test/helpers/platform.js';
import { startRedis, type TestRedis } from '../test/helpers/redis-server.js';
import type { ConnectCmd, ConnectResult, ParentMsg, Progress, SendCmd, WorkerReport } from './chat-load-worker.js';
import { ensureBuilt } from './lib/build.js';
import { statusKb } from './lib/proc.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const WORKER_FILE = path.join(ROOT, 'bench', 'chat-load-worker.ts');
const GOAL = { sockets: 20_000, rssMB: 400 };
const TOTAL = Math.min(20_000, Math.max(8, Number(process.env.SCALE_BENCH_SOCKETS ?? GOAL.sockets) || GOAL.sockets));
const WINDOW_S = Math.min(60, Math.max(3, Number(process.env.SCALE_BENCH_WINDOW_S ?? 10) || 10));
const SMOKE = TOTAL !== GOAL.sockets || WINDOW_S !== 10;
const WORKERS = 4;
const SENDERS_PER_WORKER = 4;
const RATE = 2;
const DRAIN_S = 30;
const CONNECT_MAX_S = Math.min(3600, Math.max(30, Number(process.env.SCALE_BENCH_CONNECT_MAX_S ?? 900) || 900));
const round = (n: number, d = 1) => Math.round(n * 10 ** d) / 10 ** d;
const log = (m: string) => console.error(`[scale] ${m}`);
const nowNs = () => process.hrtime.bigint();

interface Worker {
  proc: ChildProcess;
  index: number;
  send(m: ParentMsg): void;
  next<T>(type: string, timeoutMs: number): Promise<T>;
}

const children = new Set<ChildProcess>();
process.on('exit', () => children.forEach((c) => c.kill('SIGKILL')));
for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => process.exit(130));

function startWorker(index: number): Promise<Worker> {
  const proc = fork(WORKER_FILE, [], { execArgv: ['--import', 'tsx'], serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'], cwd: ROOT });
  children.add(proc);
  proc.once('exit', () => children.delete(proc));
  const next = <T>(type: string, timeoutMs: number) =>
    new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => finish(new Error(`worker ${index}: no ${type} within ${timeoutMs} ms`)), timeoutMs);
      const onMsg = (m: { type?: string; error?: string }) => {
        if (m.type === type) finish(undefined, m as T);
        else if (m.type === 'fatal') finish(new Error(`worker ${index}: ${m.error}`));
      };
      const onExit = (code: number | null) => finish(new Error(`worker ${index} exited (${code}) waiting for ${type}`));
      const finish = (err?: Error, value?: T) => {
        clearTimeout(timer);
        proc.off('message', onMsg);
        proc.off('exit', onExit);
        if (err) reject(err);
        else resolve(value as T);
      };
      proc.on('message', onMsg);
      proc.once('exit', onExit);
    });
  const w: Worker = { proc, index, next, send: (m) => proc.send(m) };
  return next('ready', 30_000).then(() => w);
}

/**
 * The sockets an instance holds, as its open file descriptors above what it had idle (each websocket is
 * one). Read from /proc: asking the instance itself (/metrics) under this load timed out.
 */
function descriptors(s: ServiceHandle): number | null {
  try {
    return readdirSync(`/proc/${s.proc.pid}/fd`).length;
  } catch {
    return null;
  }
}

/**
 * Peak VmRSS (MB) of each instance's node process every second, and every 10 s the sockets each holds
 * with its RSS then (the curve of memory against sockets), until stopped.
 */
function sampleRss(services: ServiceHandle[]) {
  const peak = services.map(() => 0);
  const last = services.map(() => 0);
  const idleFds = services.map(descriptors);
  const held = () => services.map((s, i) => { const n = descriptors(s); return n === null || idleFds[i] === null ? null : Math.max(0, n - idleFds[i]!); });
  const curve: { at: number; sockets: (number | null)[]; rssMB: number[] }[] = [];
  const started = Date.now();
  let tick = 0;
  const timer = setInterval(() => {
    services.forEach((s, i) => {
      const kb = statusKb(s.proc.pid!, 'VmRSS');
      if (kb !== null) {
        last[i] = round(kb / 1024);
        peak[i] = Math.max(peak[i]!, last[i]!);
      }
    });
    if (tick++ % 10 === 0) curve.push({ at: round((Date.now() - started) / 1000), sockets: held(), rssMB: [...last] });
  }, 1000);
  return { peak, last, curve, held, stop: () => clearInterval(timer) };
}

async function connectAll(ws: Worker[], services: ServiceHandle[]): Promise<ConnectResult[]> {
  const per = Math.ceil(TOTAL / WORKERS);
  for (const w of ws) {
    const svc = services[w.index % services.length]!;
    const cmd: ConnectCmd = {
      cmd: 'connect', url: `ws://127.0.0.1:${svc.internalPort}/ws`, count: Math.min(per, TOTAL - per * w.index), localAddress: `127.${10 + (process.pid % 200)}.9.${w.index + 2}`,
      batch: 100, senders: SENDERS_PER_WORKER, worker: w.index, workers: WORKERS, batchTimeoutMs: 30_000,
    };
    w.send(cmd);
  }
  // Longer than the bench's own budget for connecting, which decides first (main).
  return Promise.all(ws.map((w) => w.next<ConnectResult>('connected', (CONNECT_MAX_S + 120) * 1000)));
}

async function chatPhase(ws: Worker[], open: number) {
  const perWorker = Math.round((RATE / WORKERS) * WINDOW_S);
  const t0 = nowNs() + 500_000_000n;
  for (const w of ws) {
    const cmd: SendCmd = {
      cmd: 'send', phase: 1, t0: String(t0), offsetMs: (w.index * 1000) / RATE, intervalMs: (WORKERS * 1000) / RATE, count: perWorker,
      maxSeq: perWorker + 1, capacity: (perWorker * WORKERS + 10) * Math.ceil(open / WORKERS) + 1000,
    };
    w.send(cmd);
  }
  await Promise.all(ws.map((w) => w.next('sending', 10_000)));
  await sleep(WINDOW_S * 1000 + 500);
  const progress = async () => {
    const ps = await Promise.all(ws.map((w) => (w.send({ cmd: 'progress' }), w.next<Progress>('progress', 10_000))));
    return { delivered: ps.reduce((a, p) => a + p.delivered, 0), acked: ps.reduce((a, p) => a + p.acked, 0), done: ps.every((p) => p.done && p.answered >= p.sent) };
  };
  const drainStart = Date.now();
  for (let i = 0; i < DRAIN_S * 4 && Date.now() - drainStart < DRAIN_S * 1000; i += 1) {
    const p = await progress();
    if (p.done && p.delivered >= p.acked * open) break;
    await sleep(250);
  }
  const reports = await Promise.all(ws.map((w) => (w.send({ cmd: 'report' }), w.next<WorkerReport>('report', 60_000))));
  const hist = createHistogram({ lowest: 1, highest: 3_600_000_000, figures: 3 });
  for (const r of reports) for (const v of r.latenciesUs.subarray(0, r.recorded)) hist.record(Math.max(1, Math.min(v, 3_600_000_000)));
  const sent = reports.reduce((a, r) => a + r.sent, 0);
  const acked = reports.reduce((a, r) => a + r.acked, 0);
  const rejected = reports.reduce((a, r) => a + Object.values(r.sendErrors).reduce((x, y) => x + y, 0), 0);
  const received = reports.reduce((a, r) => a + r.deliveries.flat().reduce((x, y) => x + y, 0), 0);
  const ms = (p: number) => (hist.count ? round(hist.percentile(p) / 1000, 1) : null);
  return { sent, acked, rejected, expected: acked * open, received, lost: Math.max(0, acked * open - received), drainMs: Date.now() - drainStart, latencyMs: { p50: ms(50), p99: ms(99), max: hist.count ? round(hist.max / 1000, 1) : null } };
}

const machine = () => ({ nproc: os.availableParallelism(), cpu: os.cpus()[0]?.model ?? 'unknown', memGB: round(os.totalmem() / 2 ** 30), loadAvg: os.loadavg().map((l) => round(l, 2)) });

function write(result: object): void {
  const out = path.join(ROOT, 'bench', 'results', SMOKE ? 'scale.smoke.json' : 'scale.json');
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
  log(`written ${path.relative(ROOT, out)}`);
}

async function main(): Promise<void> {
  const started = Date.now();
  const build = await ensureBuilt(ROOT);
  if (build.built) log(`built the service (${build.reason})`);
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'cdp-scale-bench-'));
  const configFile = path.join(tmp, 'config.json');
  writeFileSync(configFile, JSON.stringify({ chat: { maxSocketsPerIp: 10_000, ipRatePerSecond: 1000, ipBurst: 1000 } }));
  let redis: TestRedis | undefined;
  const services: ServiceHandle[] = [];
  const ws: Worker[] = [];
  try {
    redis = await startRedis();
    const env = { ROLE: 'web', REDIS_URL: redis.url, ADMIN_PASSWORD: 'banco-de-pruebas-escala', CONFIG_FILE: configFile, LOG_LEVEL: 'warn' };
    services.push(await startService(env), await startService(env));
    const idle = services.map((s) => round((statusKb(s.proc.pid!, 'VmRSS') ?? 0) / 1024));
    for (let i = 0; i < WORKERS; i += 1) ws.push(await startWorker(i));
    const rss = sampleRss(services);
    const t0 = Date.now();
    log(`connecting ${TOTAL} sockets across 2 web instances (at most ${CONNECT_MAX_S} s)`);
    const connecting = connectAll(ws, services);
    // Once the budget has decided, the workers are killed: their pending answer must not fail the run.
    connecting.catch(() => undefined);
    const connected = await Promise.race([connecting, sleep(CONNECT_MAX_S * 1000).then(() => null)]);
    if (!connected) {
      rss.stop();
      const held = rss.held();
      const result = {
        bench: 'scale', when: new Date().toISOString(), smoke: SMOKE, machine: machine(), goal: GOAL, pass: false,
        stoppedAfterConnectSeconds: CONNECT_MAX_S,
        figures: { sockets: TOTAL, heldWhenStopped: held, rssIdleMB: idle, rssWhenStoppedMB: [...rss.last], rssPeakMB: rss.peak, curve: rss.curve },
        note: 'the sockets could not all be opened within the time allowed on this (shared) machine; no chat phase',
      };
      write(result);
      log(`stopped after ${CONNECT_MAX_S} s: instances held ${held.join(' / ')} sockets at ${rss.last.join(' / ')} MB`);
      return;
    }
    const open = connected.reduce((a, c) => a + c.open, 0);
    const welcomed = connected.reduce((a, c) => a + c.welcomed, 0);
    const connectS = round((Date.now() - t0) / 1000);
    log(`${open} open, ${welcomed} welcomed in ${connectS} s; RSS ${rss.last.join(' / ')} MB`);
    const audience = await waitFor('each instance to count every socket', async () => {
      const counts = await Promise.all(services.map(async (s) => (await s.status()).viewers));
      return counts.every((c) => c === welcomed) ? counts : undefined;
    }, 30_000, 500).catch(async () => Promise.all(services.map(async (s) => (await s.status()).viewers)));
    const connectedRss = [...rss.last];
    const chat = await chatPhase(ws, open);
    rss.stop();
    const pass = open === TOTAL && welcomed === TOTAL && rss.peak.every((p) => p <= GOAL.rssMB) && chat.lost === 0 && audience.every((c) => c === welcomed);
    const result = {
      bench: 'scale',
      when: new Date().toISOString(),
      smoke: SMOKE,
      machine: machine(),
      method: {
        instances: 'two built services, ROLE=web, one real redis-server; no origin (the stream reads offline)',
        sockets: `${WORKERS} load workers (bench/chat-load-worker.ts), two per instance, each from its own loopback address, straight to each instance's internal listener`,
        limits: 'per-address limits lifted (all sockets come from loopback); per-connection limits as shipped',
        chat: `${RATE} msg/s for ${WINDOW_S} s from ${SENDERS_PER_WORKER * WORKERS} sockets on both instances; each accepted message is owed to every socket on both`,
        rss: 'VmRSS of each instance’s node process, sampled every second from the first connection to the end of the drain',
      },
      goal: GOAL,
      figures: { sockets: TOTAL, open, welcomed, connectSeconds: connectS, audienceCounted: audience, rssIdleMB: idle, rssConnectedMB: connectedRss, rssPeakMB: rss.peak, chat, curve: rss.curve },
      failures: connected.map((c) => c.failures),
      pass,
      seconds: round((Date.now() - started) / 1000),
    };
    write(result);
    console.log(`| sockets | open | audience (each instance) | RSS peak per instance | chat p50 / p99 | lost | pass |`);
    console.log(`|---|---|---|---|---|---|---|`);
    console.log(`| ${TOTAL} | ${open} | ${audience.join(' / ')} | ${rss.peak.join(' / ')} MB (goal ≤ ${GOAL.rssMB}) | ${chat.latencyMs.p50} / ${chat.latencyMs.p99} ms | ${chat.lost} | ${pass ? 'yes' : 'NO'} |`);
  } finally {
    for (const w of ws) w.proc.kill('SIGKILL');
    for (const s of services) await cleanupService(s);
    await redis?.stop();
    rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(`[scale] failed: ${(err as Error).message}`);
  process.exitCode = 1;
});
