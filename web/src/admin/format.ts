import type { Messages } from '../i18n/es';

/** The church's clock: every time the dashboard shows is read in Santiago, wherever the phone is. */
export const CHURCH_TIME_ZONE = 'America/Santiago';

const cache = new Map<string, Intl.DateTimeFormat>();

function formatter(t: Messages, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${t.locale}|${JSON.stringify(options)}`;
  let f = cache.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(t.locale, { ...options, timeZone: CHURCH_TIME_ZONE, hourCycle: t.hourCycle as Intl.DateTimeFormatOptions['hourCycle'] });
    cache.set(key, f);
  }
  return f;
}

const valid = (d: Date) => !Number.isNaN(d.getTime());

/** "dom, 29 nov, 11:02" / "Sun, Nov 29, 11:02 AM" */
export function formatDateTime(at: string | number | Date, t: Messages): string {
  const d = new Date(at);
  return valid(d) ? formatter(t, { weekday: 'short', day: 'numeric', month: 'short', hour: 'numeric', minute: '2-digit' }).format(d) : '—';
}

/** "11:02" */
export function formatTime(at: string | number | Date, t: Messages): string {
  const d = new Date(at);
  return valid(d) ? formatter(t, { hour: 'numeric', minute: '2-digit' }).format(d) : '—';
}

/** "1 h 25 min", "12 min", "< 1 min" */
export function formatDuration(ms: number, t: Messages): string {
  const minutes = Math.floor(Math.max(0, ms) / 60_000);
  if (minutes < 1) return t.admin.lessThanAMinute;
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return h > 0 ? `${h} h ${m} min` : `${m} min`;
}

/** Numbers the way the page's language writes them: "2.500" / "2,500". */
export function formatNumber(n: number, t: Messages, digits = 0): string {
  return n.toLocaleString(t.locale, { maximumFractionDigits: digits, minimumFractionDigits: digits });
}
