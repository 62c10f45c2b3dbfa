/**
 * Simulcast benchmark: what one destination costs (CPU of its ffmpeg copy) and how much later the
 * destination's ingest sees a frame than ours does, at 720p30, 4 Mbps.
 *
 *   node --import tsx bench/simulcast.bench.ts      (npm run bench:simulcast) ~2 min
 *   SIMULCAST_BENCH_RUNS (3), SIMULCAST_BENCH_WINDOW_S (20)
 *
 * Setup: the built service (test/helpers/platform.ts `startService`, temp DATA_DIR, ladder off so the two
 * shared cores are not taken by x264), a real publisher (ffmpeg testsrc2 1280×720 30 fps, x264 ultrafast
 * 4 Mbps CBR-ish, 2 s GOP, AAC 128 kbps, -re), and one local destination nginx-rtmp
 * (test/helpers/rtmp-destination.ts) reached twice: over plain RTMP and over RTMPS (TLS terminated by
 * nginx's stream module). Both are added through the admin API, so each is one supervised `ffmpeg -c copy`.
 *
 * CPU per destination = Δ(utime+stime) of that destination's ffmpeg over a window ÷ wall time, in cores
 * (bench/lib/cpu.ts). RUNS windows of WINDOW_S seconds on the same stream; the median is reported.
 *
 * Added delay: three `ffprobe -show_packets` readers (line-buffered with stdbuf) play, at the same time,
 * our ingest (rtmp://127.0.0.1:RTMP/live/NAME, what the copies read) and the two destination streams.
 * Each keyframe's arrival is stamped with this process's monotonic clock when its line is read. A copy
 * does not change packets, so a keyframe is matched across readers by its size in bytes (unique over a
 * window at 4 Mbps); delay = arrival at the destination − arrival at our ingest. Both sides go through the
 * same reader, so the reader's own latency cancels; what is left is the copy (read, remux, write), the
 * TLS layer for RTMPS, and the destination nginx's hop. The first 6 s of each reader (its probing burst)
 * are ignored.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { cleanupService, randomKey, startService, waitFor, type ServiceHandle } from '../test/helpers/platform.js';
import { startDestination, type Destination } from '../test/helpers/rtmp-destination.js';
import { adminCall, adminLogin } from '../test/helpers/ws-client.js';
import { ensureBuilt } from './lib/build.js';
import { measureCpu } from './lib/cpu.js';
import { cmdline } from './lib/proc.js';
import { machineInfo, markdownTable, metric } from './lib/report.js';
import { median, now, sleep } from './lib/time.js';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const RUNS = Number(process.env.SIMULCAST_BENCH_RUNS ?? 3);
const WINDOW_S = Number(process.env.SIMULCAST_BENCH_WINDOW_S ?? 20);
const PASSWORD = 'bench-simulcast-123';

interface Reader {
  proc: ChildProcess;
  startedAt: number;
  keyframes: { at: number; size: number }[];
}

function readKeyframes(url: string): Reader {
  const proc = spawn('stdbuf', ['-oL', 'ffprobe', '-v', 'error', '-fflags', 'nobuffer', '-select_streams', 'v', '-show_entries', 'packet=size,flags', '-of', 'csv=p=0', url], { stdio: ['ignore', 'pipe', 'ignore'] });
  const r: Reader = { proc, startedAt: now(), keyframes: [] };
  createInterface({ input: proc.stdout! }).on('line', (line) => {
    const at = now();
    const [size, flags] = line.split(',');
    if (flags?.startsWith('K')) r.keyframes.push({ at, size: Number(size) });
  });
  return r;
}

/** Delays (ms) of keyframes seen by both readers, matched by size, after both stopped probing. */
function delays(ingest: Reader, dest: Reader): number[] {
  const settled = Math.max(ingest.startedAt, dest.startedAt) + 6000;
  const bySize = new Map<number, number[]>();
  for (const k of ingest.keyframes) bySize.set(k.size, [...(bySize.get(k.size) ?? []), k.at]);
  const out: number[] = [];
  for (const k of dest.keyframes) {
    const at = bySize.get(k.size);
    if (!at || at.length !== 1 || k.at < settled || at[0]! < settled) continue;
    out.push(k.at - at[0]!);
  }
  return out;
}

function copyPid(port: number): number | undefined {
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const args = cmdline(Number(name));
    if (args[0]?.endsWith('ffmpeg') && args.includes('copy') && args.some((a) => a.includes(`127.0.0.1:${port}/`))) return Number(name);
  }
  return undefined;
}

async function main() {
  const build = await ensureBuilt(ROOT);
  const machine = machineInfo();
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'cdp-bench-simulcast-'));
  const configFile = path.join(tmp, 'config.json');
  writeFileSync(configFile, JSON.stringify({ transcoder: { enabled: false } }));
  let svc: ServiceHandle | undefined;
  let dest: Destination | undefined;
  let publisher: ChildProcess | undefined;
  const readers: Reader[] = [];
  try {
    dest = await startDestination();
    svc = await startService({ ADMIN_PASSWORD: PASSWORD, CONFIG_FILE: configFile, LOG_LEVEL: 'warn' });
    const admin = await adminLogin(svc.base, PASSWORD);
    const keys = { rtmp: `bench-${randomKey()}`, rtmps: `bench-${randomKey()}` };
    await adminCall(svc.base, admin, 'POST', '/api/v1/admin/simulcast', { name: 'rtmp', preset: 'other', url: dest.rtmpUrl, key: keys.rtmp });
    await adminCall(svc.base, admin, 'POST', '/api/v1/admin/simulcast', { name: 'rtmps', preset: 'other', url: dest.rtmpsUrl, key: keys.rtmps });
    publisher = spawn('ffmpeg', [
      '-hide_banner', '-nostdin', '-loglevel', 'error', '-re',
      '-f', 'lavfi', '-i', 'testsrc2=size=1280x720:rate=30',
      '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000',
      '-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-g', '60', '-keyint_min', '60',
      '-b:v', '4000k', '-maxrate', '4000k', '-bufsize', '4000k', '-x264-params', 'nal-hrd=cbr',
      '-c:a', 'aac', '-b:a', '128k', '-f', 'flv', `rtmp://127.0.0.1:${svc.rtmpPort}/live/${svc.key}`,
    ], { stdio: 'ignore' });
    const s = svc;
    await waitFor('live', async () => (await s.status()).state === 'live', 60_000, 250);
    const sending = async () => {
      const r = await adminCall(s.base, admin, 'GET', '/api/v1/admin/simulcast');
      return (r.json.destinations as { status: { phase: string; bitrateKbps: number } }[]).every((d) => d.status.phase === 'sending') ? r.json : undefined;
    };
    await waitFor('both destinations sending', sending, 30_000, 500);
    const name = (await s.status()).name;
    const tlsPort = Number(new URL(dest.rtmpsUrl).port);
    const ingest = readKeyframes(`rtmp://127.0.0.1:${s.rtmpPort}/live/${name}`);
    const toRtmp = readKeyframes(`${dest.rtmpUrl}/${keys.rtmp}`);
    const toRtmps = readKeyframes(`${dest.rtmpUrl}/${keys.rtmps}`);
    readers.push(ingest, toRtmp, toRtmps);
    await sleep(6000);
    const cpu: { rtmp: (number | null)[]; rtmps: (number | null)[]; machine: number[] } = { rtmp: [], rtmps: [], machine: [] };
    const kbps: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      const pids = { rtmp: copyPid(dest.rtmpPort), rtmps: copyPid(tlsPort) };
      const w = await measureCpu({ rtmp: pids.rtmp ? [pids.rtmp] : [], rtmps: pids.rtmps ? [pids.rtmps] : [] }, WINDOW_S);
      cpu.rtmp.push(w.groups.rtmp!.cores);
      cpu.rtmps.push(w.groups.rtmps!.cores);
      cpu.machine.push(w.machineBusyCores);
      const doc = await sending();
      if (doc) kbps.push(...(doc.destinations as { status: { bitrateKbps: number } }[]).map((d) => d.status.bitrateKbps));
      console.log(`run ${run + 1}: rtmp ${w.groups.rtmp!.cores?.toFixed(4)} cores, rtmps ${w.groups.rtmps!.cores?.toFixed(4)} cores, machine ${w.machineBusyCores.toFixed(2)} busy`);
    }
    const dRtmp = delays(ingest, toRtmp);
    const dRtmps = delays(ingest, toRtmps);
    const metrics = [
      metric('CPU per destination, RTMP (ffmpeg -c copy)', '% of a core', cpu.rtmp.map((c) => (c === null ? null : c * 100)), { max: 2, text: '≤ 2 %' }, 2),
      metric('CPU per destination, RTMPS (copy + TLS)', '% of a core', cpu.rtmps.map((c) => (c === null ? null : c * 100)), { max: 2, text: '≤ 2 %' }, 2),
      metric('added delay ingest → destination ingest, RTMP (median keyframe)', 's', [median(dRtmp) === null ? null : median(dRtmp)! / 1000], { max: 1, text: '≤ 1 s' }, 3, `${dRtmp.length} keyframes, max ${(Math.max(...dRtmp) / 1000).toFixed(3)} s`),
      metric('added delay ingest → destination ingest, RTMPS (median keyframe)', 's', [median(dRtmps) === null ? null : median(dRtmps)! / 1000], { max: 1, text: '≤ 1 s' }, 3, `${dRtmps.length} keyframes, max ${(Math.max(...dRtmps) / 1000).toFixed(3)} s`),
      metric('bitrate out per destination (admin card)', 'kbps', [median(kbps)], null, 0),
    ];
    const out = {
      bench: 'simulcast',
      at: new Date().toISOString(),
      machine,
      build,
      method: {
        source: '720p30 testsrc2, x264 ultrafast 4 Mbps, GOP 2 s, AAC 128 kbps, -re; ladder off',
        destinations: 'one local nginx-rtmp; RTMP direct and RTMPS through nginx stream ssl',
        cpu: `Δ(utime+stime)/wall of each destination's ffmpeg, ${RUNS} windows of ${WINDOW_S} s`,
        delay: 'keyframe arrival at a reader of the destination − at a reader of our ingest, matched by packet size',
      },
      machineBusyCores: cpu.machine,
      delaysMs: { rtmp: dRtmp.map(Math.round), rtmps: dRtmps.map(Math.round) },
      metrics,
    };
    const dir = path.join(ROOT, 'bench', 'results');
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'simulcast.json'), `${JSON.stringify(out, null, 2)}\n`);
    console.log(markdownTable(metrics));
  } finally {
    for (const r of readers) r.proc.kill('SIGKILL');
    publisher?.kill('SIGKILL');
    await cleanupService(svc);
    await dest?.stop();
    if (svc) rmSync(svc.dataDir, { recursive: true, force: true });
    rmSync(tmp, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
