import type { ChatMessage } from './protocol.js';

/**
 * The chat download as a pastor opens it: Excel in Chilean Spanish reads `;` as the separator (`,` is the
 * decimal mark there), Spanish headers and values, times in the church's zone, and a BOM so accents survive.
 */
export const CSV_SEPARATOR = ';';
export const CSV_HEADERS = ['Fecha', 'Hora', 'Nombre', 'Rol', 'Mensaje', 'Eliminado', 'ID'] as const;
const DEFAULT_ZONE = 'America/Santiago';

const ROLE_NAMES: Record<string, string> = { viewer: 'Espectador', moderator: 'Moderador', system: 'Sistema' };

/** YYYY-MM-DD and HH:MM:SS of an instant in a time zone (ISO-like, so spreadsheets read them as dates). */
export function localDateTime(iso: string, timeZone = DEFAULT_ZONE): { date: string; time: string } {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' })
      .formatToParts(new Date(iso))
      .map((p) => [p.type, p.value]),
  );
  return { date: `${parts.year}-${parts.month}-${parts.day}`, time: `${parts.hour}:${parts.minute}:${parts.second}` };
}

/** One cell: quoted when it holds the separator, a quote or a line break; formula-looking text is defused. */
function cell(value: string): string {
  const s = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[";,\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function chatCsv(messages: readonly ChatMessage[], timeZone = DEFAULT_ZONE): string {
  const lines = messages.map((m) => {
    const { date, time } = localDateTime(m.at, timeZone);
    return [date, time, m.nick, ROLE_NAMES[m.role] ?? m.role, m.text, m.deleted ? 'sí' : 'no', m.id].map(cell).join(CSV_SEPARATOR);
  });
  return `\ufeff${[CSV_HEADERS.join(CSV_SEPARATOR), ...lines].join('\r\n')}\r\n`;
}

/**
 * The download's name: the dates it really covers (first and last message, in the church's zone), e.g.
 * `chat-2026-11-29.csv` or `chat-2026-09-01-a-2026-11-29.csv`; a broadcast's export names it too. Never
 * the epoch: an empty export is named after `fallback` (today).
 */
export function exportFileName(messages: readonly ChatMessage[], opts: { session?: number; fallback: Date; timeZone?: string }): string {
  const zone = opts.timeZone ?? DEFAULT_ZONE;
  const first = messages.length > 0 ? localDateTime(messages[0]!.at, zone).date : localDateTime(opts.fallback.toISOString(), zone).date;
  const last = messages.length > 0 ? localDateTime(messages[messages.length - 1]!.at, zone).date : first;
  const range = first === last ? first : `${first}-a-${last}`;
  return `chat-${opts.session ? `transmision-${opts.session}-` : ''}${range}`;
}
