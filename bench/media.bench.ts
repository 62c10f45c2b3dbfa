/**
 * Media benchmark: how fast a publish goes live, how far the source playlist trails the publisher, and
 * what the HLS ladder costs in CPU — ours (one ffmpeg decode feeding every rung) against the first
 * system's layout (one ffmpeg per rung, each decoding the source).
 *
 *   npm run bench                     3 runs × {720p30, 1080p30}, interleaved (~6–8 min on 2 cores)
 *   BENCH_RUNS=1 BENCH_WINDOW_S=5 …   a quick smoke run (written to media.smoke.json, not media.json)
 *
 * Each run starts the built service (`node dist/server/src/main.js`) with a fresh DATA_DIR on free
 * loopback ports, publishes a synthetic OBS stream with ffmpeg (-re, keyframe every 2 s), and measures:
 *
 * 1. publish → live: from spawning the publisher to the first status 'live' (websocket /ws and
 *    GET /api/v1/status every 50 ms; the earliest wins).
 * 2. ingest → listed (source rendition): with -re the frame of stream time t is sent at wall time
 *    T0 + t. T0 is the publisher's spawn time corrected to when its first frame went out: ffmpeg's
 *    -progress reports (every 250 ms) give, at wall time w, the stream time o already muxed, so
 *    T0 ≤ w − o; the smallest bound is T0 (conservative by at most about one frame). The source playlist
 *    on disk is read every 25 ms; segment k ends at stream time end_k = Σ EXTINF of segments 0..k
 *    (by media sequence number; nginx numbers from 0 in a fresh DATA_DIR), so its latency is
 *    listed_k − (T0 + end_k). A run's figure is the median over the segments of ~20 s of stream,
 *    the first segment excluded (it also carries the connection's start-up).
 * 3. ladder CPU: utime+stime of the ladder ffmpeg (pid from /api/v1/health transcoder.pid) over a 20 s
 *    window starting when the stream is live; cores = CPU seconds / wall seconds. The service's (node)
 *    and nginx's (master + workers) RSS are read at the end of that window.
 * 4. origin layout: with the same publisher still running, three separate ffmpeg processes each play
 *    rtmp://127.0.0.1:PORT/live/NAME and make one rung (480p, 360p, audio), with the service's own
 *    encoder arguments (transcoderArgs with one rung) and `-f null -` as output; their summed CPU over
 *    a second 20 s window, started 2 s after all three produce output. Our ladder keeps running meanwhile
 *    (nothing subtracted); ratio = origin cores / our ladder's cores from window 1, per run.
 *
 * Medians over runs are reported, never single values: the machine is shared and noisy. Everything is on
 * loopback; every loop is bounded; every child process (and the service's nginx and ffmpeg) is killed
 * on exit, even on error. The stream key is never printed.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { adminCall, adminLogin } from '../test/helpers/ws-client.js';
import { ensureBuilt } from './lib/build.js';
import { ChildSet } from './lib/children.js';
import { measureCpu, type CpuWindow } from './lib/cpu.js';
import { watchPlaylists, type SegmentTimeline } from './lib/hls.js';
import { startOrigin, type OriginProcess } from './lib/origin.js';
import { clkTck, pssKb, statusKb, systemCpu } from './lib/proc.js';
import { startPublisher, type Resolution } from './lib/publisher.js';
import { machineInfo, markdownTable, metric, type Metric } from './lib/report.js';
import { removeDataDir, startService, summarizeLogs, type LogSummary, type Service } from './lib/service.js';
import { health, ladderClock, waitLadderPid, watchStatus, windowSpeed } from './lib/status.js';
import { serviceEvents, stageTable, wallToMonotonic, type Stage } from './lib/live-timeline.js';
import { median, now, round, sleep } from './lib/time.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const RUNS = Math.min(10, Math.max(1, Number.parseInt(process.env.BENCH_RUNS ?? '3', 10) || 3));
const WINDOW_S = Math.min(60, Math.max(3, Number(process.env.BENCH_WINDOW_S ?? 20) || 20));
const STREAM_S = 20;
const PLAYLIST_POLL_MS = 25;
const LIVE_TIMEOUT_MS = 30_000;
const ORIGIN_WARMUP_MS = 2000;
const STREAM_NAME = 'envivo';
const FRAGMENT_S = 2;
const PRESET = 'veryfast';
const KEEP = process.env.BENCH_KEEP === '1';
/** BENCH_ONLY=live: only the publish → live timeline (no CPU windows, no origin layout); ~15 s a run. */
const ONLY_LIVE = process.env.BENCH_ONLY === 'live';
/** BENCH_LOW_DELAY=1: the low-delay mode switched on through the admin API (offline: applied at once), 1 s keyframes. */
const LOW_DELAY = process.env.BENCH_LOW_DELAY === '1';
const ADMIN_PASSWORD = 'bench-media-admin-password';
/**
 * BENCH_BASELINE=DIR (with BENCH_ONLY=live): a checkout of the baseline (e.g. main) with its own built dist/;
 * each run measures it right after ours, on the same machine state, and the table gives the ratio.
 */
const BASELINE = process.env.BENCH_BASELINE ? path.resolve(process.env.BENCH_BASELINE) : null;

async function switchLowDelayOn(base: string): Promise<void> {
  const admin = await adminLogin(base, ADMIN_PASSWORD);
  const put = await adminCall(base, admin, 'PUT', '/api/v1/admin/delay', { lowDelay: true });
  if (put.json?.applied !== true) throw new Error(`low-delay mode not applied: ${put.text}`);
}
const QUIET_CORES = 0.5;
const QUIET_MAX_MS = 30_000;

const GOALS = {
  live: { max: 4, text: '≤ 4 s' },
  latency: { max: 2.5, text: '≤ 2.5 s' },
  cpu720: { max: 0.5, text: '≤ 0.5 cores' },
  cpu1080: { max: 1.2, text: '≤ 1.2 cores' },
};

const children = new ChildSet();
const secrets = new Set<string>();
const redact = (s: string) => [...secrets].reduce((acc, k) => acc.split(k).join('<stream-key>'), s);
const log = (s: string) => process.stderr.write(`${redact(s)}\n`);
const sec = (ms: number | null | undefined) => (ms === null || ms === undefined ? null : round(ms / 1000, 3));

interface RunResult {
  resolution: Resolution;
  /** 'baseline': the service built from BENCH_BASELINE (e.g. main), run interleaved with ours. */
  build?: 'ours' | 'baseline';
  index: number;
  /** Cores the rest of the machine was using just before the run (other tenants, other tests). */
  baselineBusyCores: number | null;
  /** Seconds spent waiting for the machine to quieten down before the run. */
  waitedForQuietSec: number;
  error?: string;
  /** Seconds from the publisher's spawn. */
  timeline: {
    startingSec: number | null;
    ladderPidSeenSec: number | null;
    firstSegmentSec: Record<string, number | null>;
    liveSec: number | null;
    liveVia?: string;
    /** How long after its spawn the publisher's stream clock started (T0 correction). */
    publisherStartSec: number | null;
    /** The service's own events (its log at LOG_LEVEL=info), seconds from the publisher's spawn. */
    onPublishSec?: number | null;
    ladderSpawnSec?: number | null;
    /** First /api/v1/health whose transcoder.progress shows output (reports every 1 s: an upper bound). */
    ladderFirstOutputSec?: number | null;
    liveDecidedSec?: number | null;
    /** Every stage in order (what the bench prints). */
    stages?: Stage[];
  };
  latency: {
    medianSec: number | null;
    /** Same, with T0 = spawn (no correction): an upper bound. */
    medianSecUncorrected: number | null;
    /**
     * Same, against when the publisher actually sent the segment's last frame (its progress reports),
     * not T0 + end: excludes the publisher's own lag when it cannot encode in real time.
     */
    medianSecPublisherClock: number | null;
    segments: { seq: number; endSec: number; latencySec: number }[];
  };
  windowA?: {
    wallSec: number;
    ladderCores: number | null;
    serviceCores: number | null;
    nginxCores: number | null;
    machineBusyCores: number;
    /** Media seconds per wall second over the window (1.0 = kept up with the live input). */
    ladderSpeed: number | null;
    /** ladderCores ÷ ladderSpeed: the CPU it needs to keep up, robust to a starved window. */
    ladderCoresAtRealtime: number | null;
    note?: string;
  };
  memory?: { serviceRssMB: number | null; servicePeakRssMB: number | null; nginxRssMB: number | null; nginxPssMB: number | null; nginxProcesses: number };
  windowB?: {
    wallSec: number;
    originCores: number | null;
    perRungCores: Record<string, number | null>;
    ladderCoresMeanwhile: number | null;
    machineBusyCores: number;
    /** Per rung: media seconds per wall second over the window. */
    originSpeeds: Record<string, number | null>;
    /** Σ per rung of cores ÷ speed. */
    originCoresAtRealtime: number | null;
    note?: string;
  };
  ratio: number | null;
  /** originCoresAtRealtime ÷ ladderCoresAtRealtime. */
  ratioAtRealtime: number | null;
  publisherSpeed: number | null;
  health?: { keyframeIntervalSec?: number; keyframeTooLong?: boolean; transcoderRestarts?: number };
  stop?: { serviceStopMs: number; serviceKilled: boolean; leftoverProcesses: number };
  logs?: LogSummary;
  stderr?: Record<string, string>;
}

/**
 * CPU seconds per second of media: what the process needs to keep up with a live input. Equal to the
 * cores figure when it kept up (speed 1); on a window where it was starved (or its input was late) the
 * cores figure reads low and this one does not.
 */
const atRealtime = (cores: number | null | undefined, speed: number | null) =>
  cores === null || cores === undefined || speed === null || speed <= 0.05 ? null : cores / speed;

/**
 * The machine is shared: before a run, wait (at most QUIET_MAX_MS) until the other tenants use less than
 * QUIET_CORES, so that transient neighbours (someone's test suite) don't land inside a window.
 */
async function waitForQuiet(): Promise<{ busyCores: number | null; waitedMs: number }> {
  const started = now();
  let busy: number | null = null;
  for (let i = 0; i < QUIET_MAX_MS / 1000 + 1; i++) {
    const a = systemCpu();
    await sleep(1000);
    const b = systemCpu();
    busy = (b.busy - a.busy) / clkTck();
    if (busy < QUIET_CORES || now() - started >= QUIET_MAX_MS) break;
  }
  return { busyCores: busy, waitedMs: now() - started - 1000 };
}

const mb = (kb: number | null) => (kb === null ? null : round(kb / 1024, 1));

async function runOnce(res: Resolution, index: number, root = ROOT): Promise<RunResult> {
  const quiet = await waitForQuiet();
  const r: RunResult = {
    resolution: res,
    build: root === ROOT ? 'ours' : 'baseline',
    index,
    baselineBusyCores: round(quiet.busyCores, 2),
    waitedForQuietSec: round(quiet.waitedMs / 1000, 1) ?? 0,
    timeline: { startingSec: null, ladderPidSeenSec: null, firstSegmentSec: {}, liveSec: null, publisherStartSec: null },
    latency: { medianSec: null, medianSecUncorrected: null, medianSecPublisherClock: null, segments: [] },
    ratio: null,
    ratioAtRealtime: null,
    publisherSpeed: null,
  };
  let svc: Service | null = null;
  let origin: OriginProcess[] = [];
  let closeStatus = () => {};
  try {
    svc = await startService({ root, children, redact, env: { LOG_LEVEL: 'info', ADMIN_PASSWORD: ADMIN_PASSWORD } });
    if (LOW_DELAY) await switchLowDelayOn(svc.base);
    const toMono = wallToMonotonic();
    secrets.add(svc.key);
    const { ports, base } = svc;
    const status = await watchStatus(base, `ws://127.0.0.1:${ports.http}/ws`);
    closeStatus = () => status.close();
    const hlsDir = path.join(svc.dataDir, 'media', 'hls', 'video');
    const files = { source: STREAM_NAME, mid: `${STREAM_NAME}_mid`, low: `${STREAM_NAME}_low`, audio: `${STREAM_NAME}_audio` };

    status.times.since = now();
    const pub = startPublisher(children, res, `rtmp://127.0.0.1:${ports.rtmp}/live/${svc.key}`, redact, { keyframeSeconds: LOW_DELAY ? 1 : 2 });
    const t0 = pub.spawnedAt;
    const liveP = status.waitLive(t0 + LIVE_TIMEOUT_MS);
    const ladderP = waitLadderPid(base, t0 + LIVE_TIMEOUT_MS);
    const watchP = watchPlaylists({
      files: Object.fromEntries(Object.entries(files).map(([id, name]) => [id, path.join(hlsDir, name, 'index.m3u8')])),
      intervalMs: PLAYLIST_POLL_MS,
      deadline: t0 + STREAM_S * 1000 + 20_000,
      done: (tl) => {
        if (ONLY_LIVE) return Object.values(tl).every((t) => t.listedAt.size > 0) && status.times.first.live !== undefined;
        const src = tl.source!;
        const last = Math.max(-1, ...src.listedAt.keys());
        return (src.endOf(last) ?? 0) >= STREAM_S;
      },
    });

    const firstOutputP = (async () => {
      const deadline = t0 + LIVE_TIMEOUT_MS;
      while (now() < deadline) {
        const p = (await health(base))?.transcoder?.progress;
        if (p && (p.outTimeMs ?? 0) > 0) return now();
        await sleep(100);
      }
      return null;
    })();
    const [liveAt, ladder, firstOutputAt] = await Promise.all([liveP, ladderP, firstOutputP]);
    r.timeline.ladderFirstOutputSec = firstOutputAt === null ? null : sec(firstOutputAt - t0);
    r.timeline.liveSec = liveAt === null ? null : sec(liveAt - t0);
    r.timeline.liveVia = status.times.first.live?.via;
    r.timeline.startingSec = status.times.first.starting ? sec(status.times.first.starting.at - t0) : null;
    r.timeline.ladderPidSeenSec = ladder ? sec(ladder.seenAt - t0) : null;
    if (liveAt === null) log(`  ! not live within ${LIVE_TIMEOUT_MS / 1000} s`);

    // Window A: our ladder (and the service's own processes), from the moment the stream is live.
    const memory = { rss: null as number | null, hwm: null as number | null, nginxRss: null as number | null, nginxPss: null as number | null, nginxN: 0 };
    const sampleMemory = () => {
      if (!svc) return;
      memory.rss = statusKb(svc.pid, 'VmRSS') ?? memory.rss;
      memory.hwm = statusKb(svc.pid, 'VmHWM') ?? memory.hwm;
      const ng = svc.tree().nginx;
      if (ng.length > 0) {
        memory.nginxN = ng.length;
        memory.nginxRss = ng.reduce((a, p) => a + (statusKb(p, 'VmRSS') ?? 0), 0);
        memory.nginxPss = ng.reduce((a, p) => a + (pssKb(p) ?? 0), 0);
      }
    };
    if (ladder && !ONLY_LIVE) {
      const tree = svc.tree();
      const c0 = await ladderClock(base);
      const a: CpuWindow = await measureCpu({ ladder: [ladder.pid], service: [svc.pid], nginx: tree.nginx }, WINDOW_S, sampleMemory);
      const c1 = await ladderClock(base);
      const speed = windowSpeed(c0, c1);
      const h = await health(base);
      r.windowA = {
        wallSec: round(a.wallSec, 2)!,
        ladderCores: round(a.groups.ladder?.cores, 3),
        serviceCores: round(a.groups.service?.cores, 3),
        nginxCores: round(a.groups.nginx?.cores, 3),
        machineBusyCores: round(a.machineBusyCores, 2)!,
        ladderSpeed: round(speed, 3),
        ladderCoresAtRealtime: round(atRealtime(a.groups.ladder?.cores, speed), 3),
        ...(a.groups.ladder?.note ? { note: a.groups.ladder.note } : {}),
      };
      r.health = { keyframeIntervalSec: h?.keyframeIntervalSec, keyframeTooLong: h?.keyframeTooLong, transcoderRestarts: h?.transcoder?.restarts };
      r.memory = { serviceRssMB: mb(memory.rss), servicePeakRssMB: mb(memory.hwm), nginxRssMB: mb(memory.nginxRss), nginxPssMB: mb(memory.nginxPss), nginxProcesses: memory.nginxN };
    } else if (!ladder) log('  ! the ladder ffmpeg never appeared in /api/v1/health');

    // Latency, from the playlists watched since the publish.
    const tl: Record<string, SegmentTimeline> = await watchP;
    for (const [id, t] of Object.entries(tl)) {
      const first = Math.min(...t.listedAt.values());
      r.timeline.firstSegmentSec[id] = Number.isFinite(first) ? sec(first - t0) : null;
    }
    const ev = serviceEvents(svc.output());
    const at = (epoch: number | undefined) => (epoch === undefined ? null : sec(toMono(epoch) - t0));
    r.timeline.onPublishSec = at(ev.publishAccepted);
    r.timeline.ladderSpawnSec = at(ev.transcoderStarted);
    r.timeline.liveDecidedSec = at(ev.live);
    const fs = r.timeline.firstSegmentSec;
    r.timeline.stages = [
      { stage: 'publisher spawned', atSec: 0 },
      { stage: 'on_publish accepted', atSec: r.timeline.onPublishSec },
      { stage: 'ladder ffmpeg spawned', atSec: r.timeline.ladderSpawnSec },
      { stage: 'source: first segment', atSec: fs.source ?? null },
      { stage: 'ladder: first output (≤)', atSec: r.timeline.ladderFirstOutputSec },
      ...['mid', 'low', 'audio'].map((id) => ({ stage: `${id}: first segment`, atSec: fs[id] ?? null })),
      { stage: 'live decided (service)', atSec: r.timeline.liveDecidedSec },
      { stage: 'live seen (status)', atSec: r.timeline.liveSec },
    ];
    log(stageTable(r.timeline.stages));
    const anchor = pub.anchor();
    r.timeline.publisherStartSec = anchor === null ? null : sec(anchor - t0);
    const src = tl.source!;
    const lat = src.latencies(anchor ?? t0).filter((s) => s.seq >= 1);
    r.latency.segments = lat.map((s) => ({ seq: s.seq, endSec: round(s.endSec, 3)!, latencySec: round(s.latencySec, 3)! }));
    r.latency.medianSec = round(median(lat.map((s) => s.latencySec)), 3);
    const byClock = lat.map((s) => {
      const sent = pub.sentAt(s.endSec * 1000);
      return sent === null ? NaN : (s.listedAt - sent) / 1000;
    });
    r.latency.medianSecPublisherClock = round(median(byClock), 3);
    r.latency.medianSecUncorrected = round(median(src.latencies(t0).filter((s) => s.seq >= 1).map((s) => s.latencySec)), 3);

    // Window B: the origin's layout, one ffmpeg per rung, while the same publisher keeps going.
    if (ladder && !ONLY_LIVE) {
      origin = startOrigin(children, { rtmpPort: ports.rtmp, streamName: STREAM_NAME, fragmentSeconds: FRAGMENT_S, preset: PRESET }, redact);
      const startDeadline = now() + 10_000;
      while (now() < startDeadline && origin.some((o) => o.outTimeMs() <= 0 && o.tracked.child.exitCode === null)) await sleep(100);
      await sleep(ORIGIN_WARMUP_MS);
      const groups: Record<string, number[]> = { origin: origin.map((o) => o.tracked.child.pid!).filter(Boolean), ladder: [ladder.pid] };
      for (const o of origin) groups[`origin ${o.rung}`] = [o.tracked.child.pid!];
      const clocks0 = origin.map((o) => o.clock());
      const b = await measureCpu(groups, WINDOW_S);
      const speeds = origin.map((o, i) => windowSpeed(clocks0[i] ?? null, o.clock()));
      const perRung = origin.map((o, i) => atRealtime(b.groups[`origin ${o.rung}`]?.cores, speeds[i] ?? null));
      r.windowB = {
        wallSec: round(b.wallSec, 2)!,
        originCores: round(b.groups.origin?.cores, 3),
        perRungCores: Object.fromEntries(origin.map((o) => [o.rung, round(b.groups[`origin ${o.rung}`]?.cores, 3)])),
        ladderCoresMeanwhile: round(b.groups.ladder?.cores, 3),
        machineBusyCores: round(b.machineBusyCores, 2)!,
        originSpeeds: Object.fromEntries(origin.map((o, i) => [o.rung, round(speeds[i], 3)])),
        originCoresAtRealtime: perRung.every((x) => x !== null) ? round(perRung.reduce((x, y) => x! + y!, 0), 3) : null,
        ...(b.groups.origin?.note ? { note: b.groups.origin.note } : {}),
      };
      const ours = r.windowA?.ladderCores ?? null;
      r.ratio = ours && r.windowB.originCores !== null ? round(r.windowB.originCores / ours, 2) : null;
      const oursRt = r.windowA?.ladderCoresAtRealtime ?? null;
      r.ratioAtRealtime = oursRt && r.windowB.originCoresAtRealtime !== null ? round(r.windowB.originCoresAtRealtime / oursRt, 2) : null;
    }
    r.publisherSpeed = pub.speed();

    await Promise.all(origin.map((o) => children.stop(o.tracked, 3000)));
    await children.stop(pub.tracked, 5000);
    const stderr: Record<string, string> = {};
    if (pub.stderr().trim()) stderr.publisher = pub.stderr().trim().slice(-1500);
    for (const o of origin) if (o.stderr().trim()) stderr[`origin ${o.rung}`] = o.stderr().trim().slice(-1500);
    if (Object.keys(stderr).length > 0) r.stderr = stderr;
  } catch (err) {
    r.error = redact((err as Error).stack ?? String(err)).slice(0, 3000);
    log(`  ! run failed: ${r.error}`);
  } finally {
    closeStatus();
    for (const o of origin) await children.stop(o.tracked, 2000);
    if (svc) {
      const s = await svc.stop();
      r.stop = { serviceStopMs: s.ms, serviceKilled: s.killed, leftoverProcesses: s.leftovers.length };
      r.logs = summarizeLogs(svc.output());
      if (!KEEP) removeDataDir(svc.dataDir);
      else {
        writeFileSync(path.join(svc.dataDir, 'service.log'), svc.output());
        log(`  (kept ${svc.dataDir}, the service's log in service.log)`);
      }
    }
    await children.stopAll(3000);
  }
  return r;
}

function describe(r: RunResult): string {
  const f = (x: number | null | undefined, d = 2) => (x === null || x === undefined ? '—' : x.toFixed(d));
  return [
    `live ${f(r.timeline.liveSec)} s`,
    `latency ${f(r.latency.medianSec)} s`,
    `ladder ${f(r.windowA?.ladderCores)} cores`,
    `origin ${f(r.windowB?.originCores)} cores`,
    `ratio ${f(r.ratio)}×`,
    `machine ${f(r.windowA?.machineBusyCores, 1)}/${f(r.windowB?.machineBusyCores, 1)} busy`,
    `rss ${f(r.memory?.serviceRssMB, 0)} MB`,
    `others ${f(r.baselineBusyCores, 1)} cores before`,
  ].join(', ');
}

/** When the last transcoded rung listed its first segment (null if one never did). */
function lastRung(r: RunResult): number | null {
  const v = ['mid', 'low', 'audio'].map((id) => r.timeline.firstSegmentSec[id] ?? null);
  return v.some((x) => x === null) ? null : Math.max(...(v as number[]));
}

async function main(): Promise<void> {
  const started = Date.now();
  const build = await ensureBuilt(ROOT);
  if (build.built) log(`build: ${build.reason} → tsc ${build.ok ? 'ok' : 'reported errors'} in ${(build.ms / 1000).toFixed(1)} s`);
  if (build.built && !build.ok) log(build.output ?? '');
  const machine = machineInfo();
  log(`media bench: ${RUNS} run(s) × 720p30 and 1080p30, ${WINDOW_S} s CPU windows, on ${machine.nproc} × ${machine.cpuModel}`);

  const runs: RunResult[] = [];
  const baselineRuns: RunResult[] = [];
  for (let i = 0; i < RUNS; i++) {
    for (const res of ONLY_LIVE ? (['720p'] as const) : (['720p', '1080p'] as const)) {
      log(`run ${i + 1}/${RUNS} ${res} …`);
      const r = await runOnce(res, i);
      runs.push(r);
      log(`  ${describe(r)}`);
      if (BASELINE && ONLY_LIVE) {
        log(`run ${i + 1}/${RUNS} ${res}, baseline (${BASELINE}) …`);
        const b = await runOnce(res, i, BASELINE);
        baselineRuns.push(b);
        log(`  baseline: ${describe(b)}`);
      }
    }
  }

  const of = (res: Resolution, pick: (r: RunResult) => number | null | undefined) => runs.filter((r) => r.resolution === res).map((r) => pick(r) ?? null);
  const all = (pick: (r: RunResult) => number | null | undefined) => runs.map((r) => pick(r) ?? null);
  const metrics: Record<string, Metric> = {
    publishToLive720p: metric('publish → live, 720p30', 's', of('720p', (r) => r.timeline.liveSec), GOALS.live),
    onPublish720p: metric('  stage: on_publish accepted, 720p30', 's', of('720p', (r) => r.timeline.onPublishSec), null),
    ladderSpawn720p: metric('  stage: ladder ffmpeg spawned, 720p30', 's', of('720p', (r) => r.timeline.ladderSpawnSec), null),
    sourceFirstSegment720p: metric('  stage: source first segment listed, 720p30', 's', of('720p', (r) => r.timeline.firstSegmentSec.source), null),
    rungsFirstSegment720p: metric('  stage: every rung has a segment, 720p30', 's', of('720p', (r) => lastRung(r)), null),
    liveDecided720p: metric('  stage: live decided by the service, 720p30', 's', of('720p', (r) => r.timeline.liveDecidedSec), null),
    publishToLive1080p: metric('publish → live, 1080p30', 's', of('1080p', (r) => r.timeline.liveSec), GOALS.live),
    ingestToListed720p: metric('ingest → segment listed (source), 720p30', 's', of('720p', (r) => r.latency.medianSec), GOALS.latency),
    ingestToListed1080p: metric('ingest → segment listed (source), 1080p30', 's', of('1080p', (r) => r.latency.medianSec), GOALS.latency),
    ladderCpu720p: metric('ladder CPU, 720p30 in', 'cores', of('720p', (r) => r.windowA?.ladderCores), GOALS.cpu720),
    ladderCpu1080p: metric('ladder CPU, 1080p30 in', 'cores', of('1080p', (r) => r.windowA?.ladderCores), GOALS.cpu1080),
    ladderCpuAtRealtime720p: metric('ladder CPU per second of media, 720p30 in', 'cores', of('720p', (r) => r.windowA?.ladderCoresAtRealtime), GOALS.cpu720),
    ladderCpuAtRealtime1080p: metric('ladder CPU per second of media, 1080p30 in', 'cores', of('1080p', (r) => r.windowA?.ladderCoresAtRealtime), GOALS.cpu1080),
    originCpu720p: metric('origin layout CPU (ffmpeg per rung), 720p30 in', 'cores', of('720p', (r) => r.windowB?.originCores), null),
    originCpu1080p: metric('origin layout CPU (ffmpeg per rung), 1080p30 in', 'cores', of('1080p', (r) => r.windowB?.originCores), null),
    originRatio720p: metric('origin ÷ ours, 720p30', '×', of('720p', (r) => r.ratio), null),
    originRatio1080p: metric('origin ÷ ours, 1080p30', '×', of('1080p', (r) => r.ratio), null),
    originRatioAtRealtime720p: metric('origin ÷ ours per second of media, 720p30', '×', of('720p', (r) => r.ratioAtRealtime), null),
    originRatioAtRealtime1080p: metric('origin ÷ ours per second of media, 1080p30', '×', of('1080p', (r) => r.ratioAtRealtime), null),
    serviceRss: metric('service (node) RSS while live', 'MB', all((r) => r.memory?.serviceRssMB), null, 0),
    nginxRss: metric('nginx RSS while live (master + workers)', 'MB', all((r) => r.memory?.nginxRssMB), null, 0),
  };
  if (ONLY_LIVE) for (const [k, m] of Object.entries(metrics)) if (m.runs.every((x) => x === null)) delete metrics[k];
  if (baselineRuns.length > 0) {
    const base = baselineRuns.map((r) => r.timeline.liveSec);
    metrics.publishToLiveBaseline720p = metric('publish → live, 720p30, baseline (same run)', 's', base, null);
    metrics.baselineSourceFirstSegment720p = metric('  baseline stage: source first segment listed', 's', baselineRuns.map((r) => r.timeline.firstSegmentSec.source ?? null), null);
    metrics.baselineRungsFirstSegment720p = metric('  baseline stage: every rung has a segment', 's', baselineRuns.map((r) => lastRung(r)), null);
    const ours = metrics.publishToLive720p?.median ?? null;
    const theirs = metrics.publishToLiveBaseline720p.median;
    metrics.liveRatio720p = metric('publish → live, ours ÷ baseline', '×', [ours !== null && theirs ? ours / theirs : null], null);
  }
  const saturatedB = runs.filter((r) => r.windowB && r.windowB.machineBusyCores >= machine.nproc * 0.9).map((r) => `${r.resolution}#${r.index + 1}`);
  const slowOrigin = runs.filter((r) => r.windowB && Object.values(r.windowB.originSpeeds).some((s) => s !== null && s < 0.97)).map((r) => `${r.resolution}#${r.index + 1}`);
  const ladderSlow = runs.filter((r) => r.windowA?.ladderSpeed !== null && r.windowA?.ladderSpeed !== undefined && r.windowA.ladderSpeed < 0.97).map((r) => `${r.resolution}#${r.index + 1} (${r.windowA?.ladderSpeed})`);
  const notes: string[] = [];
  const others = median(runs.map((r) => r.baselineBusyCores ?? NaN));
  if (others !== null && others >= 0.2)
    notes.push(`Other processes on this shared machine used a median ${others.toFixed(2)} of ${machine.nproc} cores just before each run (bench waited up to ${QUIET_MAX_MS / 1000} s for < ${QUIET_CORES}); figures are from a loaded machine.`);
  if (ladderSlow.length > 0)
    notes.push(`Our ladder processed less than real time during its CPU window in ${ladderSlow.join(', ')} (starved, or the publisher itself fell behind): its cores figure reads low there; see ladderCoresAtRealtime in the JSON.`);
  const pubSlow = runs.filter((r) => r.publisherSpeed !== null && r.publisherSpeed < 0.97).map((r) => `${r.resolution}#${r.index + 1} (${r.publisherSpeed})`);
  if (pubSlow.length > 0)
    notes.push(`The synthetic publisher itself ran slower than real time in ${pubSlow.join(', ')}: its lag counts as ingest latency under the T0 + t method; latency.medianSecPublisherClock in the JSON excludes it.`);
  if (saturatedB.length > 0)
    notes.push(`The machine was ≥ 90 % busy during the origin window in ${saturatedB.join(', ')}: the origin layout's CPU is capped by the machine there, so its figure and the ratio are lower bounds.`);
  if (slowOrigin.length > 0) notes.push(`Some origin ffmpeg ran slower than real time (speed < 0.97) in ${slowOrigin.join(', ')}.`);

  const durationSec = Math.round((Date.now() - started) / 1000);
  const result = {
    benchmark: 'media',
    date: new Date().toISOString(),
    durationSec,
    machine: { ...machine, loadAverageAtEnd: os.loadavg().map((x) => Math.round(x * 100) / 100) },
    build: { built: build.built, reason: build.reason, ok: build.ok },
    config: { runs: RUNS, resolutions: ['720p30', '1080p30'], windowSeconds: WINDOW_S, streamSeconds: STREAM_S, playlistPollMs: PLAYLIST_POLL_MS, statusPollMs: 50, originWarmupMs: ORIGIN_WARMUP_MS, ladderPreset: PRESET, quietCores: QUIET_CORES, quietMaxMs: QUIET_MAX_MS },
    method: {
      publishToLive: 'Seconds from spawning the publisher (ffmpeg -re, testsrc2 + sine, x264 ultrafast zerolatency, keyframe every 2 s) to the first status "live", seen on the /ws websocket or GET /api/v1/status polled every 50 ms, whichever is first.',
      ingestToListed:
        'With -re the frame of stream time t is sent at T0 + t. T0 = the publisher\'s spawn corrected by its -progress reports (min over reports of wall time − out_time, conservative by ≤ ~1 frame). The source playlist on disk is read every 25 ms; segment k ends at end_k = sum of EXTINF of segments 0..k (k counted from the broadcast\'s first segment: its media sequence number is the clock); latency_k = first time listed − (T0 + end_k). Per run: median over ~20 s of stream, first segment excluded. medianSecUncorrected uses T0 = spawn; medianSecPublisherClock uses, instead of T0 + end_k, the wall time at which the publisher\'s progress reports show it had sent stream time end_k (interpolated), which removes the publisher\'s own lag on a loaded machine.',
      ladderCpu: 'utime+stime of the ladder ffmpeg (pid from /api/v1/health transcoder.pid) over a window starting when the stream is live; cores = CPU seconds / wall seconds (CLK_TCK from getconf). RSS: VmRSS at the end of that window; nginx = master + workers (PSS also recorded, since workers share pages with the master).',
      origin:
        'Same publisher still running: one ffmpeg per rung (480p, 360p, audio-only), each playing rtmp://127.0.0.1:PORT/live/envivo and decoding it on its own, with the service\'s own encoder arguments (transcoderArgs with a single rung) and -f null - as output. Summed CPU over a second window starting 2 s after all three produce output; our ladder keeps running meanwhile and nothing is subtracted. ratio = origin cores / our ladder cores (first window), per run.',
    },
    metrics,
    notes,
    runs,
    ...(baselineRuns.length > 0 ? { baseline: { root: BASELINE, runs: baselineRuns } } : {}),
  };

  const outDir = path.join(ROOT, 'bench', 'results');
  mkdirSync(outDir, { recursive: true });
  const official = RUNS >= 3 && WINDOW_S === 20;
  const outFile = path.join(outDir, ONLY_LIVE ? `media-live${LOW_DELAY ? '-lowdelay' : ''}${RUNS >= 3 ? '' : '.smoke'}.json` : official ? 'media.json' : 'media.smoke.json');
  writeFileSync(outFile, redact(`${JSON.stringify(result, null, 2)}\n`));

  const table = markdownTable(Object.values(metrics));
  process.stdout.write(
    redact(
      `\n${table}\n\n` +
        `${RUNS} run(s) per resolution, medians; ${machine.nproc} × ${machine.cpuModel}, ${machine.ffmpeg.replace(/ Copyright.*/, '')}, ${machine.nginx}, node ${machine.node}. ` +
        `CPU windows of ${WINDOW_S} s; the origin layout runs alongside our ladder (nothing subtracted).\n` +
        notes.map((n) => `\n> ${n}`).join('') +
        `\nFull results: ${path.relative(ROOT, outFile)} (bench took ${Math.floor(durationSec / 60)} min ${durationSec % 60} s)\n`,
    ),
  );
}

main()
  .catch((err) => {
    log(`media bench failed: ${(err as Error).stack ?? String(err)}`);
    process.exitCode = 1;
  })
  .finally(() => children.stopAll(2000));
