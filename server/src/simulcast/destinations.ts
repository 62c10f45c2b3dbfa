import { z } from 'zod';

/** Where a preset sends: the platform's published ingest server, filled in for the volunteer. */
export interface Preset {
  id: 'youtube' | 'facebook' | 'other';
  label: string;
  /** Null for "Otro": any rtmp:// or rtmps:// URL. */
  url: string | null;
  /** The platform's rules our source is checked against (advice.ts). */
  rules: PlatformRules;
}

export interface PlatformRules {
  /** Longest keyframe interval the platform accepts, seconds. */
  maxKeyframeSec?: number;
  /** Lowest audio bitrate it wants, kbps; audio is required when set. */
  minAudioKbps?: number;
  /** Highest total bitrate it ingests, kbps. */
  maxKbps?: number;
}

// From the platforms' published live encoder settings: YouTube (keyframes at most every 4 s, stereo AAC of
// at least 64 kbps, up to 51 Mbps for 4K60); Facebook Live (a keyframe every 2 s, at most 9 Mbps).
export const PRESETS: readonly Preset[] = [
  { id: 'youtube', label: 'YouTube', url: 'rtmps://a.rtmps.youtube.com:443/live2', rules: { maxKeyframeSec: 4, minAudioKbps: 64, maxKbps: 51_000 } },
  { id: 'facebook', label: 'Facebook Live', url: 'rtmps://live-api-s.facebook.com:443/rtmp/', rules: { maxKeyframeSec: 2, maxKbps: 9_000 } },
  { id: 'other', label: 'Otro', url: null, rules: {} },
];

export type PresetId = Preset['id'];

export function presetById(id: string | undefined): Preset | undefined {
  return PRESETS.find((p) => p.id === id);
}

/** The preset a stored URL belongs to (for advice): its server URL, else "other". */
export function presetOfUrl(url: string): Preset {
  const norm = (u: string) => u.replace(/\/+$/, '').toLowerCase();
  return PRESETS.find((p) => p.url !== null && norm(p.url) === norm(url)) ?? PRESETS[PRESETS.length - 1]!;
}

const URL_MESSAGE = 'debe ser una URL rtmp:// o rtmps:// / must be an rtmp:// or rtmps:// URL';

export const DestinationUrl = z
  .string()
  .max(500)
  .refine((u) => {
    if (!/^rtmps?:\/\/[^\s/?#]+/i.test(u) || /[\s\u0000-\u001f\u007f]/.test(u)) return false;
    try {
      return ['rtmp:', 'rtmps:'].includes(new URL(u).protocol);
    } catch {
      return false;
    }
  }, URL_MESSAGE);

/** A platform's stream key: printable, no spaces or control characters (they would break the URL). */
export const DestinationKey = z
  .string()
  // Shorter keys could not be told apart from ordinary text by the log redactor.
  .min(6, 'debe tener al menos 6 caracteres / must be at least 6 characters')
  .max(512)
  .regex(/^[\x21-\x7e]+$/, 'no puede tener espacios ni caracteres de control / must not contain spaces or control characters');

const Name = z.string().trim().min(1).max(60);

/** One destination as the config file lists it (`simulcast`). */
export const DestinationConfigSchema = z.object({ name: Name, url: DestinationUrl, key: DestinationKey, enabled: z.boolean().default(true) }).strict();
export type DestinationConfig = z.infer<typeof DestinationConfigSchema>;

/** A new destination from the admin: a preset fills the URL ("other" needs one). */
export const NewDestinationBody = z
  .object({
    name: Name,
    preset: z.string().default('other'),
    url: DestinationUrl.optional(),
    key: DestinationKey,
    enabled: z.boolean().default(true),
  })
  .strict();

/** A change from the admin: only what was sent; no key keeps the stored one. */
export const DestinationChangeBody = z
  .object({
    name: Name.optional(),
    preset: z.string().optional(),
    url: DestinationUrl.optional(),
    key: DestinationKey.optional(),
    enabled: z.boolean().optional(),
  })
  .strict();

export interface Destination extends DestinationConfig {
  id: string;
}

/** The server URL and key as ffmpeg takes them: the key is the last path segment. */
export function publishUrl(url: string, key: string): string {
  return `${url.replace(/\/+$/, '')}/${key}`;
}

/** What the admin sees of a key once saved: its last characters only. */
export function maskKey(key: string): string {
  return key.length <= 8 ? '••••' : `••••${key.slice(-4)}`;
}

export type UrlFromPreset = { ok: true; url: string } | { ok: false; field: 'preset' | 'url'; message: string };

/** The URL a body asks for: its preset's, or its own for "other"; an unknown preset names the field. */
export function urlFromPreset(preset: string | undefined, url: string | undefined): UrlFromPreset {
  if (preset === undefined) return url ? { ok: true, url } : { ok: false, field: 'url', message: URL_MESSAGE };
  const p = presetById(preset);
  if (!p) return { ok: false, field: 'preset', message: `preset desconocido / unknown preset: use ${PRESETS.map((x) => x.id).join(', ')}` };
  if (p.url) return { ok: true, url: p.url };
  return url ? { ok: true, url } : { ok: false, field: 'url', message: `"Otro" necesita una URL / "other" needs a URL` };
}
