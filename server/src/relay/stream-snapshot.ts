import { z } from 'zod';
import { SiteSchema } from '../storage/site-settings.js';
import type { StreamSnapshot } from '../stream/remote-stream.js';

const State = z.enum(['offline', 'starting', 'live', 'reconnecting']);

/**
 * The snapshot as it travels through Redis. Anyone with access to Redis can write there, and the origin
 * may run another version: the fields the web instances read are checked before they are trusted.
 */
const WireSnapshot = z.object({
  v: z.literal(1),
  at: z.number().int().nonnegative(),
  seq: z.number().int().nonnegative(),
  since: z.number().int().nonnegative(),
  status: z
    .object({
      state: State,
      since: z.string().max(40),
      name: z.string().max(64),
      master: z.string().max(300),
      renditions: z.array(z.object({ id: z.string().max(40), url: z.string().max(300), bandwidth: z.number(), ready: z.boolean() }).loose()).max(16),
      viewers: z.number(),
      reason: z.enum(['publisher-stopped', 'signal-lost', 'ended']).nullable(),
    })
    .loose(),
  health: z.object({ advice: z.array(z.string()), nginxUp: z.boolean(), publisher: z.boolean(), transcoder: z.object({ phase: z.string(), restarts: z.number() }).loose() }).loose(),
  history: z.array(z.object({ at: z.string() }).loose()).max(2000),
  session: z.object({ id: z.number() }).loose().nullable(),
  site: SiteSchema,
});

export function encodeSnapshot(s: StreamSnapshot): string {
  return JSON.stringify({ v: 1, ...s });
}

/** The snapshot in a Redis value or message, or null when it is not one this version understands. */
export function decodeSnapshot(text: string): StreamSnapshot | null {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return null;
  }
  const parsed = WireSnapshot.safeParse(raw);
  if (!parsed.success) return null;
  const { v: _v, ...snapshot } = parsed.data;
  return snapshot as unknown as StreamSnapshot;
}
