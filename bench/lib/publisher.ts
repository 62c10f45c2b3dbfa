/**
 * The synthetic OBS: ffmpeg encoding a test pattern and a tone in real time (-re) and publishing it over
 * RTMP with the stream key, keyframe every 2 s as the service asks OBS users to set.
 */
import { createInterface } from 'node:readline';
import type { ChildSet, Tracked } from './children.js';
import { watchStatus } from './status.js';
import { now } from './time.js';

export type Resolution = '720p' | '1080p';

const PROFILES: Record<Resolution, { size: string; kbps: number }> = {
  '720p': { size: '1280x720', kbps: 2500 },
  '1080p': { size: '1920x1080', kbps: 4500 },
};

/** Bits of the frame number drawn as blocks across the top of the picture (2^16 frames = 36 min at 30 fps). */
export const FRAME_CODE_BITS = 16;
/** The code strip's height as a share of the picture's height. */
export const FRAME_CODE_HEIGHT = 1 / 9;

/**
 * The frame number N in binary, bit k (least significant first, left to right) a white block when set on a
 * black strip across the top: blocks of 1/16 of the width by 1/9 of the height survive x264 at 360p. With
 * -re, frame N is captured at T0 + N / 30 s: the viewer page reads N back to measure glass-to-glass delay.
 */
export function frameCodeFilter(): string {
  const h = `ih*${FRAME_CODE_HEIGHT.toFixed(6)}`;
  const boxes = Array.from({ length: FRAME_CODE_BITS }, (_, k) => `drawbox=x=iw*${k}/${FRAME_CODE_BITS}:y=0:w=iw/${FRAME_CODE_BITS}:h=${h}:color=white:t=fill:enable='eq(mod(floor(n/${2 ** k}),2),1)'`);
  return [`drawbox=x=0:y=0:w=iw:h=${h}:color=black:t=fill`, ...boxes].join(',');
}

export interface PublisherOptions {
  /** Keyframe interval in seconds (default 2, what the service advises OBS users; 1 in low-delay mode). */
  keyframeSeconds?: number;
  /** Draw the frame number as a code strip (glass-to-glass measurement). */
  frameCode?: boolean;
}

export function publisherArgs(res: Resolution, url: string, opts: PublisherOptions = {}): string[] {
  const p = PROFILES[res];
  const gop = String(Math.round((opts.keyframeSeconds ?? 2) * 30));
  return [
    '-hide_banner', '-nostdin', '-loglevel', 'error', '-nostats',
    // Progress reports give the real-time anchor of the stream clock (see Publisher.anchor).
    '-progress', 'pipe:1', '-stats_period', '0.25',
    '-re', '-f', 'lavfi', '-i', `testsrc2=size=${p.size}:rate=30`,
    '-re', '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000',
    ...(opts.frameCode ? ['-vf', frameCodeFilter()] : []),
    '-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-g', gop, '-keyint_min', gop, '-b:v', `${p.kbps}k`,
    '-c:a', 'aac', '-b:a', '128k',
    '-f', 'flv', url,
  ];
}

export interface Publisher {
  tracked: Tracked;
  /** Monotonic ms when ffmpeg was spawned. */
  spawnedAt: number;
  /**
   * Monotonic ms at which stream time 0 was sent: with -re a packet of stream time t is read no earlier
   * than start + t and muxed right after (ultrafast, zerolatency: no lookahead), so each progress report
   * received at wall time w with out_time o bounds start from above by w − o; the smallest such bound is
   * the estimate (within about one frame). Null until the first report with a positive out_time.
   */
  anchor(): number | null;
  /**
   * Monotonic ms at which the publisher had sent stream time `streamMs`, interpolated between its
   * progress reports (every 250 ms). Unlike anchor() + t, this stays right when the publisher falls
   * behind real time on a loaded machine. Null if that stream time was never reached.
   */
  sentAt(streamMs: number): number | null;
  /** Latest encoding speed reported (1.0 = real time). */
  speed(): number | null;
  stderr(): string;
}

export function startPublisher(children: ChildSet, res: Resolution, url: string, redact: (s: string) => string, opts: PublisherOptions = {}): Publisher {
  const spawnedAt = now();
  const tracked = children.spawn(`publisher ${res}`, 'ffmpeg', publisherArgs(res, url, opts));
  let anchor: number | null = null;
  let speed: number | null = null;
  let outUs: number | null = null;
  const reports: { at: number; outMs: number }[] = [];
  let err = '';
  createInterface({ input: tracked.child.stdout! }).on('line', (line) => {
    const at = now();
    const eq = line.indexOf('=');
    if (eq <= 0) return;
    const k = line.slice(0, eq);
    const v = line.slice(eq + 1).trim();
    if (k === 'out_time_us') outUs = Number.parseInt(v, 10);
    else if (k === 'speed') speed = Number.parseFloat(v) || null;
    else if (k === 'progress') {
      if (outUs !== null && Number.isFinite(outUs) && outUs > 0) {
        const bound = at - outUs / 1000;
        if (anchor === null || bound < anchor) anchor = bound;
        if (reports.length < 5000) reports.push({ at, outMs: outUs / 1000 });
      }
      outUs = null;
    }
  });
  tracked.child.stderr?.on('data', (c: Buffer) => {
    err = (err + c.toString('utf8')).slice(-20_000);
  });
  const sentAt = (streamMs: number): number | null => {
    const i = reports.findIndex((r) => r.outMs >= streamMs);
    if (i < 0) return null;
    const hi = reports[i]!;
    const lo = reports[i - 1];
    if (!lo || hi.outMs === lo.outMs) return hi.at;
    return lo.at + ((streamMs - lo.outMs) / (hi.outMs - lo.outMs)) * (hi.at - lo.at);
  };
  return { tracked, spawnedAt, anchor: () => anchor, sentAt, speed: () => speed, stderr: () => redact(err) };
}

/**
 * A 360p publisher (testsrc2 + sine, 1 Mbps, 2 s keyframes) into the service, waiting until the service says
 * "live" (HLS load benches: the picture's size does not matter, the segments' rhythm does). Throws with the
 * publisher's and the service's last words when it is not live in time.
 */
export async function publishUntilLive(
  children: ChildSet,
  svc: { base: string; ports: { http: number; rtmp: number }; key: string; output(): string },
  redact: (s: string) => string,
  timeoutMs: number,
): Promise<Tracked> {
  const status = await watchStatus(svc.base, `ws://127.0.0.1:${svc.ports.http}/ws`);
  status.times.since = now();
  const publisher = children.spawn('publisher 360p', 'ffmpeg', [
    '-hide_banner', '-loglevel', 'error', '-re',
    '-f', 'lavfi', '-i', 'testsrc2=size=640x360:rate=30',
    '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000',
    '-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-g', '60', '-keyint_min', '60', '-b:v', '1000k',
    '-c:a', 'aac', '-b:a', '128k',
    '-f', 'flv', `rtmp://127.0.0.1:${svc.ports.rtmp}/live/${svc.key}`,
  ]);
  let err = '';
  publisher.child.stderr?.on('data', (c: Buffer) => (err += c.toString('utf8')));
  const live = await status.waitLive(now() + timeoutMs);
  status.close();
  if (live === null) {
    const state = await (await fetch(`${svc.base}/api/v1/status`)).text().catch(() => 'unreachable');
    throw new Error(`not live within ${timeoutMs} ms (publisher exit ${publisher.child.exitCode}: ${redact(err).slice(-1000)}; status ${state}):\n${svc.output().slice(-3000)}`);
  }
  return publisher;
}
