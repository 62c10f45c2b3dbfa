/**
 * The first system's layout, for comparison: one ffmpeg per rung (nginx `exec_push` per quality), each
 * pulling and decoding the source on its own. The arguments come from the service's own transcoderArgs
 * with a single rung each, so encoder settings are identical and only the layout differs; the output goes
 * to `-f null -` instead of RTMP (muxing FLV is a rounding error next to decoding and encoding).
 */
import { createInterface } from 'node:readline';
import { DEFAULT_LADDER } from '../../server/src/config/schema.js';
import { buildLadder, transcoderArgs, type Rendition } from '../../server/src/transcode/ladder.js';
import type { ChildSet, Tracked } from './children.js';
import type { MediaClock } from './status.js';

export interface OriginOptions {
  rtmpPort: number;
  streamName: string;
  fragmentSeconds: number;
  preset: string;
}

/** One argument list per rung. Exported for inspection (`--print-origin-args`). */
export function originArgs(o: OriginOptions): { rung: Rendition; args: string[] }[] {
  const ladder = buildLadder(o.streamName, DEFAULT_LADDER);
  return ladder.rungs.map((rung) => {
    const args = transcoderArgs({
      input: `rtmp://127.0.0.1:${o.rtmpPort}/live/${o.streamName}`,
      outputPrefix: `rtmp://127.0.0.1:${o.rtmpPort}/hls`,
      rungs: [rung],
      gopSeconds: o.fragmentSeconds,
      preset: o.preset,
      threads: 0,
      sourceHasAudio: true,
    });
    // Replace the rung's RTMP output (from the last "-f flv", muxer options included, to the URL) with the
    // null muxer.
    const f = args.lastIndexOf('-f');
    if (f < 0 || args[f + 1] !== 'flv' || !args[args.length - 1]!.startsWith('rtmp://')) {
      throw new Error('unexpected transcoderArgs shape: the output is not "-f flv [options] URL" at the end');
    }
    return { rung, args: [...args.slice(0, f), '-f', 'null', '-'] };
  });
}

export interface OriginProcess {
  rung: string;
  tracked: Tracked;
  /** Latest ffmpeg -progress report: cumulative speed, and the media clock. */
  speed(): number | null;
  outTimeMs(): number;
  clock(): MediaClock | null;
  stderr(): string;
}

export function startOrigin(children: ChildSet, o: OriginOptions, redact: (s: string) => string): OriginProcess[] {
  return originArgs(o).map(({ rung, args }) => {
    const tracked = children.spawn(`origin ${rung.id}`, 'ffmpeg', args);
    let speed: number | null = null;
    let outMs = 0;
    let clock: MediaClock | null = null;
    let err = '';
    createInterface({ input: tracked.child.stdout! }).on('line', (line) => {
      const [k, v] = line.split('=', 2) as [string, string | undefined];
      if (k === 'speed') speed = Number.parseFloat(v ?? '') || null;
      if (k === 'out_time_us') outMs = Math.max(outMs, (Number.parseInt(v ?? '', 10) || 0) / 1000);
      if (k === 'progress') clock = { outMs, at: Date.now() };
    });
    tracked.child.stderr?.on('data', (c: Buffer) => {
      err = (err + c.toString('utf8')).slice(-20_000);
    });
    return { rung: rung.id, tracked, speed: () => speed, outTimeMs: () => outMs, clock: () => clock, stderr: () => redact(err) };
  });
}
