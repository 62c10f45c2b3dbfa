/**
 * Watches a media playlist on disk and records when each segment first appears in it, so that
 * ingest → listed latency can be computed against the publisher's real-time clock.
 */
import { readFile } from 'node:fs/promises';
import { now, sleep } from './time.js';

export interface PlaylistSnapshot {
  mediaSequence: number;
  durations: number[];
}

export function parsePlaylist(text: string): PlaylistSnapshot | null {
  if (!text.startsWith('#EXTM3U')) return null;
  let mediaSequence = 0;
  const durations: number[] = [];
  let pending: number | null = null;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('#EXT-X-MEDIA-SEQUENCE:')) mediaSequence = Number.parseInt(line.slice(22), 10) || 0;
    else if (line.startsWith('#EXTINF:')) pending = Number.parseFloat(line.slice(8));
    else if (line && !line.startsWith('#') && pending !== null) {
      durations.push(pending);
      pending = null;
    }
  }
  return { mediaSequence, durations };
}

export interface SegmentLatency {
  seq: number;
  /** End of the segment in stream seconds: the sum of EXTINF of segments 0..seq. */
  endSec: number;
  /** When the bench first saw it listed (monotonic ms). */
  listedAt: number;
  /** listedAt − (T0 + end), in seconds. */
  latencySec: number;
}

/**
 * Segments by media sequence number, as first seen. A broadcast's first sequence number is the wall clock
 * (server/src/ingest/sequence-seed.ts), so segments are counted from the first one seen: `seq` in the
 * results is that index (0 = the broadcast's first segment, when watching began before it was listed).
 */
export class SegmentTimeline {
  readonly durations = new Map<number, number>();
  readonly listedAt = new Map<number, number>();

  observe(p: PlaylistSnapshot, at: number): number {
    let added = 0;
    p.durations.forEach((d, i) => {
      const seq = p.mediaSequence + i;
      if (this.listedAt.has(seq)) return;
      this.listedAt.set(seq, at);
      this.durations.set(seq, d);
      added++;
    });
    return added;
  }

  /** The first sequence number seen (the broadcast's first segment). */
  get base(): number {
    return this.listedAt.size > 0 ? Math.min(...this.listedAt.keys()) : 0;
  }

  /** Stream time (s) at which segment `seq` ends, or null if any earlier segment was never seen. */
  endOf(seq: number): number | null {
    let sum = 0;
    for (let k = this.base; k <= seq; k++) {
      const d = this.durations.get(k);
      if (d === undefined) return null;
      sum += d;
    }
    return sum;
  }

  /** Latency of every segment whose end is known, against the stream's time origin t0 (monotonic ms). */
  latencies(t0: number): SegmentLatency[] {
    const out: SegmentLatency[] = [];
    for (const [seq, listedAt] of [...this.listedAt].sort((a, b) => a[0] - b[0])) {
      const endSec = this.endOf(seq);
      if (endSec === null) continue;
      out.push({ seq: seq - this.base, endSec, listedAt, latencySec: (listedAt - (t0 + endSec * 1000)) / 1000 });
    }
    return out;
  }
}

export interface WatchOptions {
  files: Record<string, string>;
  intervalMs: number;
  /** Stop when this returns true (checked after each poll) … */
  done: (timelines: Record<string, SegmentTimeline>) => boolean;
  /** … or at this monotonic time at the latest. */
  deadline: number;
}

/** Polls every playlist every intervalMs; bounded by the deadline. */
export async function watchPlaylists(o: WatchOptions): Promise<Record<string, SegmentTimeline>> {
  const timelines: Record<string, SegmentTimeline> = {};
  for (const id of Object.keys(o.files)) timelines[id] = new SegmentTimeline();
  while (now() < o.deadline) {
    const tick = now();
    await Promise.all(
      Object.entries(o.files).map(async ([id, file]) => {
        let text: string;
        try {
          text = await readFile(file, 'utf8');
        } catch {
          return;
        }
        const at = now();
        const p = parsePlaylist(text);
        if (p) timelines[id]!.observe(p, at);
      }),
    );
    if (o.done(timelines)) break;
    await sleep(Math.max(0, o.intervalMs - (now() - tick)));
  }
  return timelines;
}
