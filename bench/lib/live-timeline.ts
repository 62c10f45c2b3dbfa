/**
 * Where the seconds between a publish and "live" go. The bench runs the service at LOG_LEVEL=info and reads
 * the times of its own events (pino's ISO `time`, wall clock) back onto its monotonic clock: on_publish
 * accepted, the ladder's ffmpeg spawned, "live" decided; the playlists it watches on disk give each
 * rendition's first segment; /api/v1/health gives the ladder's first progress report.
 */
import { now } from './time.js';

/** The offset that turns a wall-clock epoch ms into the bench's monotonic ms (sampled once). */
export function wallToMonotonic(): (epochMs: number) => number {
  const offset = Date.now() - now();
  return (epochMs) => epochMs - offset;
}

export interface ServiceEvents {
  publishAccepted?: number;
  transcoderStarted?: number;
  live?: number;
}

/** Epoch ms of the first occurrence of each event in the service's JSON log lines. */
export function serviceEvents(output: string): ServiceEvents {
  const ev: ServiceEvents = {};
  for (const line of output.split('\n')) {
    if (!line.startsWith('{')) continue;
    let j: { event?: string; state?: string; time?: string };
    try {
      j = JSON.parse(line) as typeof j;
    } catch {
      continue;
    }
    const t = typeof j.time === 'string' ? Date.parse(j.time) : NaN;
    if (!Number.isFinite(t)) continue;
    if (j.event === 'publish_accepted') ev.publishAccepted ??= t;
    else if (j.event === 'transcoder_started') ev.transcoderStarted ??= t;
    else if (j.event === 'stream_state' && j.state === 'live') ev.live ??= t;
  }
  return ev;
}

export interface Stage {
  stage: string;
  /** Seconds from the publisher's spawn. */
  atSec: number | null;
}

/** The stages in the order a publish goes through them, with the step from the previous known stage. */
export function stageTable(stages: Stage[]): string {
  let prev = 0;
  const rows = stages.map((s) => {
    const at = s.atSec === null ? '—' : s.atSec.toFixed(2);
    const step = s.atSec === null ? '' : ` (+${(s.atSec - prev).toFixed(2)})`;
    if (s.atSec !== null) prev = s.atSec;
    return `    ${s.stage.padEnd(28)} ${at}${step}`;
  });
  return rows.join('\n');
}
