import type { StreamKey } from '../api/types';

/**
 * The key to show for OBS: STREAM_KEY when the server has one (it always works), else the newest stored
 * key (after a rotation there is exactly one; `cli keys add` may leave several).
 */
export function primaryKey(keys: readonly StreamKey[]): StreamKey | null {
  const env = keys.find((k) => k.source === 'env');
  if (env) return env;
  return [...keys].sort((a, b) => b.createdAt.localeCompare(a.createdAt))[0] ?? null;
}

/** Dots as long as a key would be, so the hidden field gives nothing away but still looks filled. */
export const HIDDEN_KEY = '••••••••••••••••';
