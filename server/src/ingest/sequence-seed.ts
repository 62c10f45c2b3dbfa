import { chown, mkdir, rename, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * A segment URL must name one content forever (players, browsers and edge caches keep segments as
 * immutable), and a playlist URL's #EXT-X-MEDIA-SEQUENCE must never go backwards.
 *
 * nginx-rtmp (hls_continuous on) continues a rendition's numbering from the playlist it finds on disk
 * when the rendition publishes; once hls_cleanup has deleted that playlist (a minute after a broadcast),
 * or DATA_DIR was wiped, it starts again at 0. Before a broadcast starts, each rendition without a
 * playlist gets an empty one whose media sequence is the wall clock in milliseconds: nginx-rtmp restores
 * it, so the sequence only grows (a broadcast has far fewer fragments than milliseconds) and, with
 * `hls_fragment_naming system`, segment names are the wall clock too. A playlist that is still there
 * (a reconnect within a broadcast) is left alone: nginx continues it.
 */
export function seedPlaylist(sequence: number, targetSeconds: number): string {
  return `#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-MEDIA-SEQUENCE:${sequence}\n#EXT-X-TARGETDURATION:${Math.ceil(targetSeconds)}\n`;
}

export interface SeedOptions {
  /** nginx-rtmp's hls_path (DATA_DIR/media/hls/video); each stream has its folder (hls_nested). */
  hlsDir: string;
  streamNames: string[];
  fragmentSeconds: number;
  now: number;
}

/** Writes the empty playlists; returns the names it seeded. Files get the HLS folder's owner (nginx's workers). */
export async function seedMediaSequences(o: SeedOptions): Promise<string[]> {
  const owner = await stat(o.hlsDir);
  const asRoot = process.getuid?.() === 0;
  const seeded: string[] = [];
  for (const name of o.streamNames) {
    const dir = path.join(o.hlsDir, name);
    const file = path.join(dir, 'index.m3u8');
    if (await exists(file)) continue;
    await mkdir(dir, { recursive: true, mode: 0o755 });
    const tmp = `${file}.seed`;
    await writeFile(tmp, seedPlaylist(Math.floor(o.now), o.fragmentSeconds), { mode: 0o644 });
    if (asRoot) {
      await chown(dir, owner.uid, owner.gid);
      await chown(tmp, owner.uid, owner.gid);
    }
    await rename(tmp, file);
    seeded.push(name);
  }
  return seeded;
}

async function exists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch {
    return false;
  }
}
