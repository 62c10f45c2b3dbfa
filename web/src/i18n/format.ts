import type { Messages } from './es';

/** Dates and times people read, always in the church's time zone (America/Santiago by default). */
const cache = new Map<string, Intl.DateTimeFormat>();

function dateFormat(locale: string, timeZone: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${locale}|${timeZone}|${JSON.stringify(options)}`;
  let f = cache.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(locale, { ...options, timeZone });
    cache.set(key, f);
  }
  return f;
}

/** "domingo 29 de noviembre, 11:00" / "Sunday, November 29, 11:00 AM" */
export function formatServiceTime(at: Date, t: Messages, timeZone: string): string {
  return dateFormat(t.locale, timeZone, { weekday: 'long', day: 'numeric', month: 'long', hour: 'numeric', minute: '2-digit', hourCycle: t.hourCycle as Intl.DateTimeFormatOptions['hourCycle'] }).format(at);
}

/** "11:05" — the time a chat message was sent. */
export function formatClockTime(at: Date, t: Messages, timeZone: string): string {
  return dateFormat(t.locale, timeZone, { hour: 'numeric', minute: '2-digit', hourCycle: t.hourCycle as Intl.DateTimeFormatOptions['hourCycle'] }).format(at);
}

/** "2 d 3 h 5 min", or with seconds in the last hour: "12 min 30 s". */
export function formatCountdown(c: { days: number; hours: number; minutes: number; seconds: number }, t: Messages): string {
  const p = t.countdownParts;
  const parts: string[] = [];
  if (c.days > 0) parts.push(`${c.days} ${p.days}`);
  if (c.days > 0 || c.hours > 0) parts.push(`${c.hours} ${p.hours}`);
  parts.push(`${c.minutes} ${p.minutes}`);
  if (c.days === 0 && c.hours === 0) parts.push(`${c.seconds} ${p.seconds}`);
  return parts.join(' ');
}
