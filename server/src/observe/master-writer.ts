import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '../log/logger.js';
import { masterEntries, masterPlaylist, type Ladder, type MasterEntry, type RenditionMedia } from '../transcode/ladder.js';
import type { Observation } from './observer.js';

/**
 * The master playlist (/video/NAME.m3u8): lists each rendition once it is playable, with the size and
 * codecs measured from its segments; written atomically, only when its text changes, and removed when the
 * broadcast ends.
 */
export class MasterWriter {
  private listed = new Map<string, RenditionMedia>();
  private text = '';
  private writeError: string | undefined;

  constructor(
    private readonly ladder: Ladder,
    /** Folder of the master playlists (served as /video/NAME.m3u8). */
    private readonly dir: string,
    private readonly logger: Logger,
  ) {}

  /** Whether a master playlist is on disk (a player told "live" must find it). */
  get written(): boolean {
    return this.text !== '';
  }

  entries(): MasterEntry[] {
    return masterEntries(this.ladder, this.listed);
  }

  /** Writes the master playlist if its content changed; true when it did. */
  async update(obs: Observation): Promise<boolean> {
    for (const r of obs.renditions) {
      if (r.ready && r.media && !this.listed.has(r.id)) this.listed.set(r.id, r.media);
      // The source may change resolution when OBS's settings change; follow it.
      const prev = this.listed.get(r.id);
      if (r.ready && r.media && prev && (prev.width !== r.media.width || prev.height !== r.media.height)) this.listed.set(r.id, r.media);
    }
    const text = masterPlaylist(this.entries());
    if (text === this.text) return false;
    const file = path.join(this.dir, `${this.ladder.name}.m3u8`);
    const tmp = `${file}.tmp`;
    try {
      await mkdir(this.dir, { recursive: true });
      await writeFile(tmp, text);
      await rename(tmp, file);
    } catch (err) {
      // A full disk must not stop the state from being observed: the previous master stays, and the next
      // observation tries again (health says why: storage).
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== this.writeError) this.logger.error({ event: 'master_write_failed', code }, 'could not write the master playlist');
      this.writeError = code;
      await rm(tmp, { force: true }).catch(() => undefined);
      return false;
    }
    this.writeError = undefined;
    this.text = text;
    this.logger.info({ event: 'master_written', stream: this.ladder.name, renditions: [...this.listed.keys()] }, 'master playlist written');
    return true;
  }

  async clear(): Promise<void> {
    this.listed.clear();
    this.text = '';
    await rm(path.join(this.dir, `${this.ladder.name}.m3u8`), { force: true });
  }
}
