/**
 * Archive benchmark: what recording costs while live, and how long a 1-hour service takes from "offline"
 * to a finalised, published recording.
 *
 *   npm run bench:archive              3 live runs (20 s CPU windows) + 3 finalisings of a 1-hour source
 *   BENCH_RUNS=1 BENCH_WINDOW_S=5 …    a quick smoke run (written to archive.smoke.json)
 *
 * 1. Recorder CPU while live: the built service, a synthetic 720p30 OBS stream (the media bench's
 *    publisher); the recorder copies the video and the source audio, and its listening copy copies the
 *    ladder's audio-only rendition (AAC 96 kbps stereo, encoded by the ladder for the live page anyway).
 *    Once both write, utime+stime of both ffmpeg copies summed (pids from DATA_DIR/recorder.pid and
 *    recorder-listening.pid) over the window; cores = CPU seconds / wall seconds. Freshness: every 100 ms
 *    after the window, how old the video part's last write is (mtime); p95 reported — the recorder copies
 *    what nginx relays, so this is how far the file trails the live stream.
 * 2. Offline → published, 1-hour service: a 1-hour source generated at speed (not real time) with ffmpeg
 *    lavfi — testsrc2 320×180 30 fps, x264 CBR 2500 kbps with filler (so the file has a real service's
 *    size, ~1.1 GB, while encoding it stays fast), GOP 2 s, AAC 128 kbps stereo — written as the recorder's
 *    MPEG-TS part, and beside it the listening copy's part as it writes one (the ladder's rendition: AAC
 *    96 kbps stereo, audio-only MPEG-TS; encoded here only because no ladder runs). Then the archive's own
 *    `finalise()` (the code the service runs once the stream is offline): parts → faststart MP4 and listening
 *    parts → M4A (both copied, side by side), poster. The service adds the recorders' stop (SIGINT, ≤ 2 s)
 *    and a database update to this.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { finalise } from '../server/src/archive/finaliser.js';
import { ensureBuilt } from './lib/build.js';
import { ChildSet } from './lib/children.js';
import { measureCpu } from './lib/cpu.js';
import { startPublisher } from './lib/publisher.js';
import { machineInfo, markdownTable, metric } from './lib/report.js';
import { removeDataDir, startService } from './lib/service.js';
import { median, now, round, sleep } from './lib/time.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const WINDOW_S = Number(process.env.BENCH_WINDOW_S ?? 20);
const SOURCE_S = Number(process.env.BENCH_SOURCE_S ?? 3600);
const children = new ChildSet();
const secrets = new Set<string>();
const redact = (s: string) => [...secrets].reduce((acc, k) => acc.split(k).join('<stream-key>'), s);

async function until<T>(what: string, fn: () => T | undefined | false, timeoutMs: number): Promise<T> {
  const end = now() + timeoutMs;
  while (now() < end) {
    const v = fn();
    if (v !== undefined && v !== false) return v;
    await sleep(100);
  }
  throw new Error(`timed out waiting for ${what}`);
}

const canConnect = (port: number) =>
  new Promise<boolean>((resolve) => {
    const sock = net.connect(port, '127.0.0.1');
    sock.once('connect', () => (sock.destroy(), resolve(true)));
    sock.once('error', () => resolve(false));
  });

async function liveRun(i: number) {
  const svc = await startService({ root: ROOT, children, redact });
  secrets.add(svc.key);
  try {
    // /api/v1/status answers through the web nginx before the media nginx listens: wait for RTMP too.
    const end = now() + 30_000;
    while (!(await canConnect(svc.ports.rtmp)) && now() < end) await sleep(100);
    const pub = startPublisher(children, '720p', `rtmp://127.0.0.1:${svc.ports.rtmp}/live/${svc.key}`, redact);
    const pidFile = (name: string) => path.join(svc.dataDir, name);
    const read = (name: string) => existsSync(pidFile(name)) && (JSON.parse(readFileSync(pidFile(name), 'utf8')) as { pid: number; id: string });
    const [pid, listening] = await until('the recorder and its listening copy', () => (read('recorder.pid') && read('recorder-listening.pid') ? [read('recorder.pid'), read('recorder-listening.pid')] : undefined), 30_000).catch((err: Error) => {
      throw new Error(`${err.message}; service said: ${svc.output().slice(-3000)}; publisher said: ${pub.stderr().slice(-1000)}`);
    });
    if (!pid || !listening) throw new Error('no recorder pid');
    const dir = path.join(svc.dataDir, 'recordings', pid.id);
    const last = (prefix: string) => readdirSync(dir).filter((f) => f.startsWith(prefix)).sort().at(-1);
    const part = () => last('part-');
    const written = (prefix: string) => Boolean(last(prefix) && statSync(path.join(dir, last(prefix)!)).size > 0);
    await until('the first bytes of both', () => written('part-') && written('listen-'), 30_000);
    await sleep(3000);
    const ages: number[] = [];
    const window = await measureCpu({ recorder: [pid.pid, listening.pid], video: [pid.pid], listening: [listening.pid], all: svc.tree().ffmpeg }, WINDOW_S, () => undefined);
    // Freshness sampled after the CPU window, at 10 Hz, for the same length (sampling during it would add our own CPU to the machine's).
    for (let k = 0; k < WINDOW_S * 10; k++) {
      const f = part();
      if (f) ages.push(Date.now() - statSync(path.join(dir, f)).mtimeMs);
      await sleep(100);
    }
    ages.sort((a, b) => a - b);
    await children.stop(pub.tracked, 3000);
    const g = window.groups;
    return { run: i, recorderCores: g.recorder?.cores ?? null, videoCopyCores: g.video?.cores ?? null, listeningCopyCores: g.listening?.cores ?? null, note: g.recorder?.note, machineBusyCores: round(window.machineBusyCores), freshnessP95Ms: ages[Math.floor(ages.length * 0.95)] ?? null, freshnessMedianMs: median(ages) };
  } finally {
    await svc.stop();
    removeDataDir(svc.dataDir);
  }
}

/** The recorder's part (`file`: video + the source's audio) and the listening copy's (`listen`: audio only, as the ladder's rendition). */
function makeSource(file: string, listen: string) {
  const t0 = now();
  execFileSync('ffmpeg', [
    '-hide_banner', '-loglevel', 'error', '-y',
    '-f', 'lavfi', '-i', `testsrc2=size=320x180:rate=30:duration=${SOURCE_S}`,
    '-f', 'lavfi', '-i', `sine=frequency=440:sample_rate=48000:duration=${SOURCE_S}`,
    // As the recorder writes a part: video and the source's audio.
    '-map', '0:v', '-map', '1:a', '-ac', '2',
    '-c:v', 'libx264', '-preset', 'ultrafast', '-g', '60', '-keyint_min', '60',
    '-b:v', '2500k', '-minrate', '2500k', '-maxrate', '2500k', '-bufsize', '5000k', '-x264-params', 'nal-hrd=cbr:force-cfr=1',
    '-c:a', 'aac', '-b:a', '128k',
    '-f', 'mpegts', file,
    // As the listening copy writes one: the ladder's audio rendition (AAC 96 kbps stereo), audio only.
    '-map', '1:a', '-c:a', 'aac', '-b:a', '96k', '-ac', '2', '-f', 'mpegts', listen,
  ]);
  return (now() - t0) / 1000;
}

async function main() {
  const started = Date.now();
  const build = await ensureBuilt(ROOT);
  const live = [];
  for (let i = 0; i < RUNS; i++) live.push(await liveRun(i));

  const work = mkdtempSync(path.join(os.tmpdir(), 'cdp-bench-archive-'));
  const finals = [];
  let generated: { generateSec: number | null; sourceBytes: number; listenBytes: number } | null = null;
  try {
    const source = path.join(work, 'source.ts');
    const listen = path.join(work, 'listen.ts');
    const generateSec = makeSource(source, listen);
    const sourceBytes = statSync(source).size;
    for (let i = 0; i < RUNS; i++) {
      const dir = path.join(work, `rec-${i}`);
      mkdirSync(dir);
      cpSync(source, path.join(dir, 'part-0001.ts'));
      cpSync(listen, path.join(dir, 'listen-0001.ts'));
      execFileSync('sync');
      const t0 = now();
      let videoAt = 0;
      const files = await finalise({ ffmpeg: 'ffmpeg', ffprobe: 'ffprobe' }, dir, () => (videoAt = now()));
      finals.push({ run: i, videoSeconds: round((videoAt - t0) / 1000, 2), seconds: round((now() - t0) / 1000, 2), duration: round(files.duration, 1), videoBytes: files.videoBytes, audioBytes: files.audioBytes, audioFrom: files.audioFrom ?? null });
      rmSync(dir, { recursive: true, force: true });
    }
    generated = { generateSec: round(generateSec, 1), sourceBytes, listenBytes: statSync(listen).size };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }

  const metrics = {
    recorderCpu: metric('recorder CPU while live (720p30 in; video copied, listening track copied from the ladder)', 'cores', live.map((r) => r.recorderCores), { max: 0.02, text: '≤ 2 % of a core' }, 4),
    freshness: metric('recording trails live (p95 age of the last write)', 'ms', live.map((r) => r.freshnessP95Ms), null, 0),
    published: metric(`offline → published (MP4 + poster), ${SOURCE_S / 60}-min service`, 's', finals.map((f) => f.videoSeconds), { max: 20, text: '≤ 20 s' }, 2),
    finalise: metric(`offline → audio too (M4A copied from the listening copy's parts, podcast item), ${SOURCE_S / 60}-min service`, 's', finals.map((f) => f.seconds), { max: 20, text: '≤ 20 s' }, 2),
  };
  const result = {
    benchmark: 'archive',
    date: new Date().toISOString(),
    durationSec: Math.round((Date.now() - started) / 1000),
    machine: { ...machineInfo(), loadAverageAtEnd: os.loadavg().map((x) => Math.round(x * 100) / 100) },
    build: { built: build.built, reason: build.reason, ok: build.ok },
    config: { runs: RUNS, windowSeconds: WINDOW_S, sourceSeconds: SOURCE_S, source: generated },
    method: {
      recorderCpu: 'utime+stime of both recorder ffmpeg copies summed (pids from DATA_DIR/recorder.pid: video and source audio copied; DATA_DIR/recorder-listening.pid: the ladder\'s AAC 96 kbps audio rendition copied) over the window, 3 s after both wrote their first bytes, with the media bench\'s 720p30 publisher; cores = CPU s / wall s. The ladder encodes that rendition for the live page whether or not anything records it.',
      freshness: 'After the CPU window, every 100 ms for the same length: now − mtime of the video part file being written; p95.',
      published: 'From the start of finalise() to its onVideo callback: the MP4 and poster are written and the service publishes the recording there (the API lists it, the page plays it).',
      finalise: 'The archive\'s finalise() on one MPEG-TS part holding a generated service as the recorder writes it (testsrc2 320×180, x264 CBR 2500 kbps with filler, AAC 128 kbps) and one audio-only MPEG-TS part as the listening copy writes it (AAC 96 kbps stereo, as the ladder\'s rendition): concat → MP4 and concat → M4A, each -c copy +faststart, two ffmpeg side by side, then the poster. The service adds the recorders\' SIGINT stop (≤ 2 s) and a database update.',
    },
    metrics,
    live,
    finalise: finals,
  };
  const outDir = path.join(ROOT, 'bench', 'results');
  mkdirSync(outDir, { recursive: true });
  const official = RUNS >= 3 && WINDOW_S === 20 && SOURCE_S === 3600;
  const outFile = path.join(outDir, official ? 'archive.json' : 'archive.smoke.json');
  writeFileSync(outFile, redact(`${JSON.stringify(result, null, 2)}\n`));
  process.stdout.write(redact(`\n${markdownTable(Object.values(metrics))}\n\nFull results: ${path.relative(ROOT, outFile)}\n`));
}

main()
  .catch((err: Error) => {
    console.error(redact(err.stack ?? err.message));
    process.exitCode = 1;
  })
  .finally(() => children.stopAll(2000));
