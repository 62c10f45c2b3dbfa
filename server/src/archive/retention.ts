import type { ArchiveSettings, Recording } from './store.js';

/**
 * The recordings retention deletes: beyond the newest `keepLast`, or older than `keepDays` — never one
 * being written or finalised, and never the newest finished one. Pure.
 */
export function toDelete(recordings: readonly Recording[], s: Pick<ArchiveSettings, 'keepLast' | 'keepDays'>, now: Date): string[] {
  if (s.keepLast === null && s.keepDays === null) return [];
  const finished = recordings.filter((r) => r.status === 'ready' || r.status === 'failed').sort((a, b) => b.startedAt.localeCompare(a.startedAt));
  const cutoff = s.keepDays === null ? null : now.getTime() - s.keepDays * 86_400_000;
  return finished
    .filter((r, i) => i > 0 && ((s.keepLast !== null && i >= s.keepLast) || (cutoff !== null && Date.parse(r.startedAt) < cutoff)))
    .map((r) => r.id);
}
