/** A scheduled service, as the site settings list it (0 = domingo … 6 = sábado, "HH:MM" in America/Santiago). */
export interface ScheduledService {
  day: number;
  time: string;
  title: string;
}

const ZONE = 'America/Santiago';
const DAYS = ['domingo', 'lunes', 'martes', 'miércoles', 'jueves', 'viernes', 'sábado'];
const MONTHS = ['enero', 'febrero', 'marzo', 'abril', 'mayo', 'junio', 'julio', 'agosto', 'septiembre', 'octubre', 'noviembre', 'diciembre'];
/** A broadcast that starts this close to a scheduled time is that service (churches start streaming early). */
const MATCH_MINUTES = 60;

/** The wall-clock parts of an instant in Santiago. */
export function santiagoParts(at: Date): { year: number; month: number; day: number; weekday: number; minutes: number } {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: ZONE,
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    weekday: 'short',
    hour: 'numeric',
    minute: 'numeric',
    hourCycle: 'h23',
  }).formatToParts(at);
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  return {
    year: Number(get('year')),
    month: Number(get('month')),
    day: Number(get('day')),
    weekday: ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'].indexOf(get('weekday')),
    minutes: Number(get('hour')) * 60 + Number(get('minute')),
  };
}

const hhmm = (minutes: number) => `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;

/**
 * The default title of a recording: "Servicio del domingo 7 de diciembre de 2026, 11:00". The time is the
 * scheduled service's when the broadcast started within an hour of one that day, else the start itself.
 */
export function defaultTitle(startedAt: Date, schedule: readonly ScheduledService[]): string {
  const p = santiagoParts(startedAt);
  let best: { minutes: number; distance: number } | undefined;
  for (const s of schedule) {
    if (s.day !== p.weekday) continue;
    const [h, m] = s.time.split(':').map(Number) as [number, number];
    const minutes = h * 60 + m;
    const distance = Math.abs(minutes - p.minutes);
    if (distance <= MATCH_MINUTES && (!best || distance < best.distance)) best = { minutes, distance };
  }
  const time = hhmm(best?.minutes ?? p.minutes);
  return `Servicio del ${DAYS[p.weekday]} ${p.day} de ${MONTHS[p.month - 1]} de ${p.year}, ${time}`;
}
