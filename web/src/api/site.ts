import type { ScheduleEntry } from '../common/schedule';

/** The church's public settings (GET /api/v1/site), edited in the admin. */
export interface SiteSettings {
  churchName: string;
  offlineMessage: string;
  /** "#rrggbb" */
  accentColor: string;
  logoUrl: string | null;
  timezone: string;
  schedule: ScheduleEntry[];
}

export const DEFAULT_SITE: SiteSettings = {
  churchName: 'Iglesia Casa del Padre',
  offlineMessage: '',
  accentColor: '#1d3557',
  logoUrl: null,
  timezone: 'America/Santiago',
  schedule: [
    { day: 0, time: '11:00', title: 'Culto dominical' },
    { day: 3, time: '20:00', title: 'Reunión de oración' },
  ],
};

const HEX = /^#[0-9a-f]{6}$/i;

function validTimeZone(tz: unknown): tz is string {
  if (typeof tz !== 'string' || tz.length === 0) return false;
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** Takes what is usable from the server's document; every missing or malformed field keeps its default. */
export function parseSite(v: unknown): SiteSettings {
  if (typeof v !== 'object' || v === null) return DEFAULT_SITE;
  const o = v as Record<string, unknown>;
  const schedule = Array.isArray(o.schedule)
    ? o.schedule.filter(
        (e): e is ScheduleEntry =>
          typeof e === 'object' && e !== null &&
          Number.isInteger((e as ScheduleEntry).day) && (e as ScheduleEntry).day >= 0 && (e as ScheduleEntry).day <= 6 &&
          typeof (e as ScheduleEntry).time === 'string' && /^\d{1,2}:\d{2}$/.test((e as ScheduleEntry).time) &&
          typeof (e as ScheduleEntry).title === 'string',
      )
    : DEFAULT_SITE.schedule;
  const logo = typeof o.logoUrl === 'string' && /^(https?:\/\/|\/)/.test(o.logoUrl) ? o.logoUrl : null;
  return {
    churchName: typeof o.churchName === 'string' && o.churchName.trim() ? o.churchName.trim() : DEFAULT_SITE.churchName,
    offlineMessage: typeof o.offlineMessage === 'string' ? o.offlineMessage : DEFAULT_SITE.offlineMessage,
    accentColor: typeof o.accentColor === 'string' && HEX.test(o.accentColor) ? o.accentColor : DEFAULT_SITE.accentColor,
    logoUrl: logo,
    timezone: validTimeZone(o.timezone) ? o.timezone : DEFAULT_SITE.timezone,
    schedule: schedule.map((e) => ({ day: e.day, time: e.time, title: e.title })),
  };
}

/** The site settings, or the defaults while the endpoint is missing or unreachable. */
export async function fetchSite(signal?: AbortSignal): Promise<SiteSettings> {
  try {
    const res = await fetch('/api/v1/site', { signal, headers: { accept: 'application/json' } });
    return res.ok ? parseSite(await res.json()) : DEFAULT_SITE;
  } catch {
    return DEFAULT_SITE;
  }
}

/** Black or white, whichever reads better on `hex` (WCAG relative luminance). */
export function textOn(hex: string): '#000000' | '#ffffff' {
  const channel = (i: number) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  const l = 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
  // Contrast with white is 1.05/(l+0.05), with black (l+0.05)/0.05; pick the larger.
  return 1.05 / (l + 0.05) >= (l + 0.05) / 0.05 ? '#ffffff' : '#000000';
}
