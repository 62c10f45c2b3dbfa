/**
 * The health chart's geometry, as plain maths: time and value scales, "nice" axis maxima, and SVG paths
 * that break where samples are missing (OBS stopped, the service restarted) instead of drawing a false line.
 */
import type { HealthSample } from '../api/types';

/** The chart shows the last ten minutes, like the server's history. */
export const WINDOW_MS = 10 * 60_000;
/** Samples come every 5 s; a longer silence is a gap in the line. */
export const GAP_MS = 15_000;

export type Pick = (s: HealthSample) => number | undefined;

export const pickKbps: Pick = (s) => s.inputKbps;
export const pickFps: Pick = (s) => s.fps;
export const pickKeyframe: Pick = (s) => s.keyframeIntervalSec;

/** Maps [d0, d1] onto [r0, r1]; a zero-width domain maps everything to r0. */
export function linear(d0: number, d1: number, r0: number, r1: number): (v: number) => number {
  const span = d1 - d0;
  return (v) => (span === 0 ? r0 : r0 + ((v - d0) / span) * (r1 - r0));
}

const STEPS = [1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10];

/** The smallest of 1, 1.5, 2, 2.5, 3, 4, 5, 6, 8 × 10ⁿ that is ≥ v (for an axis top that reads well). */
export function niceCeil(v: number): number {
  if (!(v > 0) || !Number.isFinite(v)) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(v));
  const step = STEPS.find((s) => s * magnitude >= v * (1 - 1e-9)) ?? 10;
  return Number((step * magnitude).toPrecision(12));
}

/** The axis top: a little headroom over the highest value, never below `floor` (so a flat line sits low). */
export function axisMax(samples: readonly HealthSample[], pick: Pick, floor: number): number {
  let max = 0;
  for (const s of samples) {
    const v = pick(s);
    if (v !== undefined && v > max) max = v;
  }
  return niceCeil(Math.max(max * 1.1, floor));
}

/** Samples inside the window that ends at `now`, oldest first. */
export function inWindow(samples: readonly HealthSample[], now: number, windowMs = WINDOW_MS): HealthSample[] {
  return samples
    .map((s) => ({ s, at: Date.parse(s.at) }))
    .filter(({ at }) => at >= now - windowMs && at <= now + GAP_MS)
    .sort((a, b) => a.at - b.at)
    .map(({ s }) => s);
}

/** An SVG path ("M x y L x y … M …") through the values, broken at missing values and time gaps. */
export function linePath(samples: readonly HealthSample[], pick: Pick, x: (ms: number) => number, y: (v: number) => number, gapMs = GAP_MS): string {
  const parts: string[] = [];
  let previous: number | null = null;
  for (const s of samples) {
    const v = pick(s);
    const at = Date.parse(s.at);
    if (v === undefined || Number.isNaN(at)) {
      previous = null;
      continue;
    }
    const command = previous === null || at - previous > gapMs ? 'M' : 'L';
    parts.push(`${command}${round(x(at))} ${round(y(v))}`);
    previous = at;
  }
  return parts.join(' ');
}

const round = (n: number) => Math.round(n * 10) / 10;

export interface Range {
  min: number;
  max: number;
  last: number;
}

/** Lowest, highest and latest value, for the chart's text summary; null without any value. */
export function rangeOf(samples: readonly HealthSample[], pick: Pick): Range | null {
  let r: Range | null = null;
  for (const s of samples) {
    const v = pick(s);
    if (v === undefined) continue;
    r = r ? { min: Math.min(r.min, v), max: Math.max(r.max, v), last: v } : { min: v, max: v, last: v };
  }
  return r;
}
