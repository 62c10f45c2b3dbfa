import { statfs, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { StorageHealth, StorageProblem } from '../../../contract/admin.js';
import type { Logger } from '../log/logger.js';

/**
 * Whether nginx can keep writing the HLS segments. A full disk is the one fault the service can't heal:
 * the stream silently stops advancing for every viewer, so the admin must be told plainly what to do.
 */

/** What the admin sees about the HLS disk (contract/admin.ts). No path: the dashboard reads it. */
export type { StorageHealth, StorageProblem };

const MB = 1024 * 1024;
const GB = 1024 * MB;
/** Never less than this is "full": a few segments of a single 720p rendition, plus playlists. */
export const MIN_FREE_BYTES = 4 * MB;
/** "Low" only when both: a small disk at 10 % is nearly full, a large one at 10 % still has hours. */
const LOW_FRACTION = 0.1;
const LOW_BYTES = GB;
/** Segments of the whole ladder that must fit: nginx writes one per rendition while cleaning up older ones. */
const SEGMENTS_OF_ROOM = 3;

/**
 * The free space below which the disk counts as full: room for about three segments of every rendition at
 * once (the ladder's total bitrate × 3 fragments), and never less than 4 MB. With the default ladder and a
 * 6 Mbps source (the most OBS should send) that is about 6 MB.
 */
export function minFreeBytes(ladderBitsPerSecond: number, fragmentSeconds: number): number {
  return Math.max(MIN_FREE_BYTES, Math.ceil((ladderBitsPerSecond / 8) * fragmentSeconds * SEGMENTS_OF_ROOM));
}

/** Errors from the write probe, as the problem they mean; other errors (a race with cleanup) mean nothing. */
export function problemOfWriteError(code: string | undefined): StorageProblem | undefined {
  if (code === 'ENOSPC' || code === 'EDQUOT') return 'disk_full';
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') return 'unwritable';
  return undefined;
}

/**
 * Pure: classifies the numbers statfs gave (free = blocks available to unprivileged users × block size)
 * and the outcome of the write probe. A failed write outranks the numbers: a disk can show free blocks
 * while every inode is used, or be remounted read-only.
 */
export function classifyStorage(
  fs: { freeBytes: number; totalBytes: number },
  minFree: number,
  writeProblem?: StorageProblem,
): StorageHealth {
  const base = { freeBytes: fs.freeBytes, totalBytes: fs.totalBytes };
  if (writeProblem) return { ...base, ok: false, problem: writeProblem };
  if (fs.freeBytes < minFree) return { ...base, ok: false, problem: 'disk_full' };
  if (fs.totalBytes > 0 && fs.freeBytes < fs.totalBytes * LOW_FRACTION && fs.freeBytes < LOW_BYTES) return { ...base, ok: true, problem: 'disk_low' };
  return { ...base, ok: true };
}

export interface StorageCheckOptions {
  /** The HLS folder nginx writes into. */
  dir: string;
  minFreeBytes: number;
  logger: Logger;
  /** Checks at most this often, however often `check` is called. */
  everyMs?: number;
  now?: () => number;
}

/**
 * Measures the HLS disk (statfs) and proves it writable (a tiny file created and removed), at most every
 * couple of seconds. Logs once per transition, not on every check.
 */
export class StorageCheck {
  private last: StorageHealth | undefined;
  private lastAt = -Infinity;
  private busy = false;
  private readonly now: () => number;

  constructor(private readonly o: StorageCheckOptions) {
    this.now = o.now ?? Date.now;
  }

  /** The latest reading (undefined before the first one). */
  current(): StorageHealth | undefined {
    return this.last;
  }

  async check(): Promise<StorageHealth | undefined> {
    const at = this.now();
    if (this.busy || at - this.lastAt < (this.o.everyMs ?? 2000)) return this.last;
    this.busy = true;
    this.lastAt = at;
    try {
      const s = await statfs(this.o.dir);
      const numbers = { freeBytes: s.bavail * s.bsize, totalBytes: s.blocks * s.bsize };
      const next = classifyStorage(numbers, this.o.minFreeBytes, await this.probeWrite());
      this.transition(next);
      this.last = next;
    } catch (err) {
      // The folder vanished or statfs is unsupported: keep the previous reading rather than invent one.
      this.o.logger.debug({ event: 'storage_check_failed', err: (err as Error).message }, 'storage check failed');
    } finally {
      this.busy = false;
    }
    return this.last;
  }

  private async probeWrite(): Promise<StorageProblem | undefined> {
    // Beside the HLS folder, not in it (same disk): nothing but nginx's output ever appears under /video/.
    const file = path.join(path.dirname(this.o.dir), `.write-probe-${process.pid}`);
    try {
      // A whole block: a zero-length file needs only an inode and succeeds on a full disk.
      await writeFile(file, Buffer.alloc(4096));
      return undefined;
    } catch (err) {
      return problemOfWriteError((err as NodeJS.ErrnoException).code);
    } finally {
      await unlink(file).catch(() => undefined);
    }
  }

  private transition(next: StorageHealth): void {
    const prev = this.last;
    if (prev?.problem === next.problem) return;
    const fields = { freeBytes: next.freeBytes, totalBytes: next.totalBytes, problem: next.problem };
    if (next.problem === 'disk_full' || next.problem === 'unwritable') {
      this.o.logger.error({ event: 'storage_full', ...fields }, 'the HLS disk cannot take new segments: the stream stops advancing until space is freed');
    } else if (next.problem === 'disk_low') {
      this.o.logger.warn({ event: 'storage_low', ...fields }, 'the HLS disk is almost full');
    } else if (prev !== undefined) {
      this.o.logger.info({ event: 'storage_ok', ...fields }, 'the HLS disk has room again');
    }
  }
}
