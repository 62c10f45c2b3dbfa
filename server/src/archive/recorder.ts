import { mkdirSync, statfsSync } from 'node:fs';
import type { Logger } from '../log/logger.js';
import type { Redactor } from '../log/redactor.js';
import { listenArgs, recordArgs } from './commands.js';
import { LISTEN_PART, listenPartName, PART, partName, recordingDir } from './ids.js';
import { PartWriter } from './part-writer.js';

export interface RecorderOptions {
  ffmpeg: string;
  rtmpPort: number;
  /** The public stream name (never the key). */
  name: string;
  root: string;
  pidFile: string;
  logger: Logger;
  redactor?: Redactor;
  /** Below this many free bytes the recording stops (the live stream does not). */
  minFreeBytes: number;
  /** Called when the recorder stops by itself because the disk is full. */
  onDiskFull(id: string, freeBytes: number): void;
  checkEveryMs?: number;
  /** The ladder's audio rendition, copied as the listening track; none: the audio is encoded when finalising. */
  listening?: ListeningSource;
}

/** The listening copy's pid file, beside the recorder's: recorder.pid → recorder-listening.pid. */
export const listeningPidFile = (pidFile: string) => pidFile.replace(/(\.pid)?$/, '-listening.pid');

/** Free bytes on the file system holding `dir`. */
export function freeBytes(dir: string): number {
  const s = statfsSync(dir);
  return Number(s.bavail) * Number(s.bsize);
}

/** The ladder's audio-only rendition the listening copy records (AAC ≤ 96 kbps stereo), when there is one. */
export interface ListeningSource {
  /** Its stream name in the loopback `hls` application: NAME_audio. */
  stream: string;
  /** Whether the publisher's stream has audio (the ladder publishes the rendition only then); undefined until known. */
  sourceHasAudio(): boolean | undefined;
}

/**
 * The recorder: two supervised ffmpeg copies (no decode) into the current recording's folder — the source
 * rendition from loopback RTMP (`part-NNNN.ts`, `recordArgs`), and, when the ladder makes one, its
 * audio-only rendition (`listen-NNNN.ts`, `listenArgs`), the listening track. Each keeps its pid and
 * recording id in its own file, so a restarted service adopts copies that outlived it. The listening copy
 * starts with the recording (the rendition follows the publish within a second; until then ffmpeg waits)
 * and is ended once the source turns out to have no audio, without a restart loop.
 */
export class Recorder {
  private readonly video: PartWriter;
  private readonly listening: PartWriter | null;
  private id: string | null = null;
  /** The source of the recording being written is known to have no audio: no listening copy. */
  private silent = false;
  private checkTimer: NodeJS.Timeout | null = null;

  constructor(private readonly o: RecorderOptions) {
    const common = { ffmpeg: o.ffmpeg, root: o.root, logger: o.logger, redactor: o.redactor };
    this.video = new PartWriter({
      ...common,
      event: 'recorder',
      pidFile: o.pidFile,
      partName,
      part: PART,
      args: (output) => recordArgs({ rtmpPort: o.rtmpPort, name: o.name, output }),
      keepGoing: () => {
        this.checkDisk();
        return true;
      },
    });
    const source = o.listening;
    this.listening = source
      ? new PartWriter({
          ...common,
          event: 'listening_recorder',
          pidFile: listeningPidFile(o.pidFile),
          partName: listenPartName,
          part: LISTEN_PART,
          args: (output) => listenArgs({ rtmpPort: o.rtmpPort, stream: source.stream, output }),
          keepGoing: () => source.sourceHasAudio() !== false,
        })
      : null;
  }

  /** The recording being written, if any. */
  get current(): string | null {
    return this.id;
  }

  /** Starts recording into this recording's folder (a new part), or keeps doing so. */
  record(id: string): void {
    const dir = recordingDir(this.o.root, id);
    if (!dir) throw new Error('bad recording id');
    mkdirSync(dir, { recursive: true });
    if (this.id !== id) this.silent = false;
    this.id = id;
    this.watchDisk();
    // Already writing it (perhaps an adopted copy, whose part number differs from ours): kept.
    this.video.write(id);
    this.sourceKnown();
  }

  /**
   * Follows what the live side learnt about the source's audio: the listening copy runs unless the
   * source is known to have none (then it is stopped, its empty part left out by finalising).
   */
  sourceKnown(): void {
    const l = this.listening;
    if (!l || !this.id) return;
    const has = this.o.listening!.sourceHasAudio();
    // Silent stays silent until a publisher with audio is seen (not restarted while nobody publishes).
    this.silent = has === undefined ? this.silent : !has;
    if (!this.silent) l.write(this.id);
    else if (l.writing(this.id)) void l.stop();
  }

  /**
   * Takes over the copies a killed service left running, if their pid files name live ones that run our
   * commands into one of our recordings. A listening copy is adopted with its recorder; one whose recorder
   * is gone is ended (its recording is finalised now). Returns the recording being written.
   */
  adoptOrphan(): string | undefined {
    const id = this.video.adoptOrphan();
    this.listening?.adoptOrphan(id ?? '');
    if (!id) return undefined;
    this.id = id;
    this.watchDisk();
    return id;
  }

  /**
   * Ends the current parts and starts the next, which wait for the publisher: a publisher that comes back
   * starts its timestamps from zero again (and the ladder with it), and parts keep each publish's clock to
   * themselves.
   */
  nextPart(): void {
    this.video.nextPart();
    this.listening?.nextPart();
  }

  /** Stops writing (SIGINT: ffmpeg closes the parts cleanly), then SIGKILL after `graceMs`. */
  async stop(graceMs = 2000): Promise<void> {
    this.unwatchDisk();
    await Promise.all([this.video.stop(graceMs), this.listening?.stop(graceMs)]);
    this.id = null;
  }

  private watchDisk(): void {
    if (this.checkTimer) return;
    this.checkTimer = setInterval(() => this.checkDisk(), this.o.checkEveryMs ?? 2000);
    this.checkTimer.unref();
  }

  private unwatchDisk(): void {
    if (this.checkTimer) clearInterval(this.checkTimer);
    this.checkTimer = null;
  }

  /** A disk about to fill stops the recording cleanly; what was written stays. */
  private checkDisk(): void {
    const id = this.id;
    if (!id) return;
    let free: number;
    try {
      free = freeBytes(this.o.root);
    } catch {
      return;
    }
    if (free >= this.o.minFreeBytes) return;
    this.o.logger.error({ event: 'recording_disk_full', recording: id, freeBytes: free }, 'disk full: recording stopped (the live stream continues)');
    void this.stop().then(() => this.o.onDiskFull(id, free));
  }
}
