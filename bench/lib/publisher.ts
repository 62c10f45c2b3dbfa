/**
 * The synthetic OBS: ffmpeg encoding a test pattern and a tone in real time (-re) and publishing it over
 * RTMP with the stream key, keyframe every 2 s as the service asks OBS users to set.
 */
import { createInterface } from 'node:readline';
import type { ChildSet, Tracked } from './children.js';
import { now } from './time.js';

export type Resolution = '720p' | '1080p';

const PROFILES: Record<Resolution, { size: string; kbps: number }> = {
  '720p': { size: '1280x720', kbps: 2500 },
  '1080p': { size: '1920x1080', kbps: 4500 },
};

export function publisherArgs(res: Resolution, url: string): string[] {
  const p = PROFILES[res];
  return [
    '-hide_banner', '-nostdin', '-loglevel', 'error', '-nostats',
    // Progress reports give the real-time anchor of the stream clock (see Publisher.anchor).
    '-progress', 'pipe:1', '-stats_period', '0.25',
    '-re', '-f', 'lavfi', '-i', `testsrc2=size=${p.size}:rate=30`,
    '-re', '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000',
    '-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-g', '60', '-keyint_min', '60', '-b:v', `${p.kbps}k`,
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

export function startPublisher(children: ChildSet, res: Resolution, url: string, redact: (s: string) => string): Publisher {
  const spawnedAt = now();
  const tracked = children.spawn(`publisher ${res}`, 'ffmpeg', publisherArgs(res, url));
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
