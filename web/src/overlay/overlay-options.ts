/**
 * The /chat overlay's options, read from its URL. Pure. Every option has a default; a value that is
 * missing, malformed or out of range falls back to that default, so a typo in an OBS scene never breaks
 * the page. `overlayQuery` writes the same options back (the admin builds the URL with it).
 */
export type OverlayTheme = 'dark' | 'light';
export type OverlayAlign = 'left' | 'right';

export interface OverlayOptions {
  /** Font size in CSS pixels (the page is meant for a 1920×1080 browser source). */
  size: number;
  /** Messages shown at once; older ones leave. */
  max: number;
  /** Seconds a message stays; 0 = until pushed out by newer ones. */
  fade: number;
  names: boolean;
  /** dark: light text with a dark outline; light: dark text with a light outline. */
  theme: OverlayTheme;
  align: OverlayAlign;
  pinned: boolean;
  /** "NOMBRE está viendo" notices. */
  joins: boolean;
}

export const OVERLAY_DEFAULTS: Readonly<OverlayOptions> = Object.freeze({
  size: 48,
  max: 8,
  fade: 30,
  names: true,
  theme: 'dark',
  align: 'left',
  pinned: false,
  joins: false,
});

export const OVERLAY_LIMITS = {
  size: { min: 12, max: 160 },
  max: { min: 1, max: 50 },
  fade: { min: 0, max: 3600 },
} as const;

type Numeric = keyof typeof OVERLAY_LIMITS;

function integer(raw: string | null, key: Numeric): number {
  const { min, max } = OVERLAY_LIMITS[key];
  if (raw === null || !/^\d{1,5}$/.test(raw.trim())) return OVERLAY_DEFAULTS[key];
  const n = Number(raw.trim());
  return n >= min && n <= max ? n : OVERLAY_DEFAULTS[key];
}

function flag(raw: string | null, fallback: boolean): boolean {
  const v = raw?.trim().toLowerCase();
  if (v === '1' || v === 'true' || v === 'yes' || v === 'si' || v === 'sí') return true;
  if (v === '0' || v === 'false' || v === 'no') return false;
  return fallback;
}

function oneOf<T extends string>(raw: string | null, allowed: readonly T[], fallback: T): T {
  const v = raw?.trim().toLowerCase();
  return allowed.find((a) => a === v) ?? fallback;
}

/** Options from a query string (`location.search`, with or without the leading `?`). */
export function parseOverlayOptions(search: string): OverlayOptions {
  let q: URLSearchParams;
  try {
    q = new URLSearchParams(search);
  } catch {
    q = new URLSearchParams();
  }
  const d = OVERLAY_DEFAULTS;
  return {
    size: integer(q.get('size'), 'size'),
    max: integer(q.get('max'), 'max'),
    fade: integer(q.get('fade'), 'fade'),
    names: flag(q.get('names'), d.names),
    theme: oneOf(q.get('theme'), ['dark', 'light'] as const, d.theme),
    align: oneOf(q.get('align'), ['left', 'right'] as const, d.align),
    pinned: flag(q.get('pinned'), d.pinned),
    joins: flag(q.get('joins'), d.joins),
  };
}

/** The query string for `o`, listing only what differs from the defaults ('' when nothing does). */
export function overlayQuery(o: OverlayOptions): string {
  const q = new URLSearchParams();
  const d = OVERLAY_DEFAULTS;
  if (o.size !== d.size) q.set('size', String(o.size));
  if (o.max !== d.max) q.set('max', String(o.max));
  if (o.fade !== d.fade) q.set('fade', String(o.fade));
  if (o.names !== d.names) q.set('names', o.names ? '1' : '0');
  if (o.theme !== d.theme) q.set('theme', o.theme);
  if (o.align !== d.align) q.set('align', o.align);
  if (o.pinned !== d.pinned) q.set('pinned', o.pinned ? '1' : '0');
  if (o.joins !== d.joins) q.set('joins', o.joins ? '1' : '0');
  const s = q.toString();
  return s ? `?${s}` : '';
}
