/**
 * The weekly schedule and "when is the next service", computed in the church's time zone with Intl alone.
 * Chile moves its clocks at midnight between Saturday and Sunday (April and September), right before the
 * Sunday service, so a fixed UTC offset would be an hour wrong on those weekends.
 */

import type { ScheduleEntry } from '../../../contract/admin';

export type { ScheduleEntry };

export interface UpcomingService {
  entry: ScheduleEntry;
  /** The instant the service starts. */
  at: Date;
}

export interface NextServiceOptions {
  timeZone?: string;
  /** A service that started less than this long ago is still "next": the stream may simply be late. */
  graceMs?: number;
}

const DAY_MS = 86_400_000;
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** The wall-clock reading in `timeZone` at `instant`, expressed as if it were UTC (ms). */
function wallClock(instant: number, timeZone: string): number {
  const parts: Record<string, number> = {};
  for (const p of formatter(timeZone).formatToParts(new Date(instant))) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  }
  return Date.UTC(parts.year ?? 1970, (parts.month ?? 1) - 1, parts.day ?? 1, parts.hour ?? 0, parts.minute ?? 0, parts.second ?? 0);
}

/** The zone's offset from UTC at `instant`, in ms (Santiago: −3 h or −4 h). */
export function zoneOffset(instant: number, timeZone: string): number {
  const whole = instant - (((instant % 1000) + 1000) % 1000);
  return wallClock(whole, timeZone) - whole;
}

/**
 * The instant at which the wall clock in `timeZone` reads `wall` (a UTC-encoded local time). A time that
 * happens twice (clocks going back) takes the first; one skipped (clocks going forward) is read with the
 * offset in force before the jump, so 00:30 on the skipped hour becomes 01:30 — like Temporal's "compatible".
 */
export function instantOf(wall: number, timeZone: string): number {
  const before = zoneOffset(wall - DAY_MS, timeZone);
  const after = zoneOffset(wall + DAY_MS, timeZone);
  const valid = [...new Set([before, after])]
    .map((offset) => wall - offset)
    .filter((instant) => wallClock(instant, timeZone) === wall)
    .sort((a, b) => a - b);
  return valid[0] ?? wall - before;
}

function parseTime(time: string): [number, number] | null {
  const m = /^(\d{1,2}):(\d{2})$/.exec(time.trim());
  if (!m) return null;
  const h = Number(m[1]);
  const min = Number(m[2]);
  return h < 24 && min < 60 ? [h, min] : null;
}

/** The next service after `now` (or one that started within the grace period), or null for an empty schedule. */
export function nextService(now: Date, schedule: readonly ScheduleEntry[], options: NextServiceOptions = {}): UpcomingService | null {
  const timeZone = options.timeZone ?? 'America/Santiago';
  const earliest = now.getTime() - (options.graceMs ?? 0);
  const today = new Date(wallClock(now.getTime(), timeZone));
  let best: UpcomingService | null = null;
  // Eight days: today's service may already be over, and then next week's same day is the answer.
  for (let d = -1; d <= 7; d++) {
    const date = Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate() + d);
    const weekday = new Date(date).getUTCDay();
    for (const entry of schedule) {
      const hm = parseTime(entry.time);
      if (entry.day !== weekday || !hm) continue;
      const at = instantOf(date + hm[0] * 3_600_000 + hm[1] * 60_000, timeZone);
      if (at >= earliest && (!best || at < best.at.getTime())) best = { entry, at: new Date(at) };
    }
  }
  return best;
}

/** Whole days, hours, minutes and seconds until `at` (all zero once it has passed). */
export function countdown(now: Date, at: Date): { days: number; hours: number; minutes: number; seconds: number } {
  const total = Math.max(0, Math.floor((at.getTime() - now.getTime()) / 1000));
  return {
    days: Math.floor(total / 86_400),
    hours: Math.floor((total % 86_400) / 3_600),
    minutes: Math.floor((total % 3_600) / 60),
    seconds: total % 60,
  };
}
