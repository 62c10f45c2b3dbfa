import { mkdirSync, readdirSync, readFileSync, rmSync, statfsSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from '../log/logger.js';
import type { Redactor } from '../log/redactor.js';
import { commandLine, isAlive } from '../process/processes.js';
import { Supervisor } from '../process/supervisor.js';
import { recordArgs } from './commands.js';
import { PART, partName, recordingDir, RECORDING_ID } from './ids.js';

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
}

/** Free bytes on the file system holding `dir`. */
export function freeBytes(dir: string): number {
  const s = statfsSync(dir);
  return Number(s.bavail) * Number(s.bsize);
}

/**
 * The recorder: one supervised ffmpeg copying the source rendition from loopback RTMP into the current
 * recording's folder, with the listening track (AAC 96 kbps) encoded beside it (see `recordArgs`). Each run (the first, a restart after a crash, a publisher's return) writes the next
 * part file, so nothing already written is ever overwritten; finalising joins the parts. Its pid and
 * recording id are kept in a file so a restarted service adopts a recorder that outlived it.
 */
export class Recorder {
  private readonly supervisor: Supervisor;
  private id: string | null = null;
  private checkTimer: NodeJS.Timeout | null = null;

  constructor(private readonly o: RecorderOptions) {
    const log = o.logger;
    this.supervisor = new Supervisor({
      name: 'recorder',
      binary: o.ffmpeg,
      logger: log,
      redactor: o.redactor,
      stderrEvent: 'ffmpeg',
      stopSignals: ['SIGINT'],
      restartDelayMs: 100,
      maxRestartDelayMs: 4000,
      stableAfterMs: 20_000,
      argsForLaunch: (args) => [...args.slice(0, -1), path.join(path.dirname(args.at(-1)!), partName(this.nextPartNumber()))],
    });
    this.supervisor.on('started', ({ pid, adopted }) => {
      if (!adopted) this.writePid(pid);
      log.info({ event: adopted ? 'recorder_adopted' : 'recorder_started', pid, recording: this.id }, adopted ? 'recorder left by a previous start adopted' : 'recorder started');
    });
    this.supervisor.on('exited', ({ pid, code, signal, restartInMs }) => {
      if (restartInMs === undefined) {
        rmSync(this.o.pidFile, { force: true });
        log.info({ event: 'recorder_stopped', code, signal, recording: this.id }, 'recorder stopped');
      } else {
        log.warn({ event: 'recorder_exited', pid, code, signal, restartInMs, recording: this.id }, 'recorder exited; restarting');
        this.checkDisk();
      }
    });
  }

  /** The recording being written, if any. */
  get current(): string | null {
    return this.id;
  }

  get pid(): number | null {
    return this.supervisor.pid;
  }

  /** Starts recording into this recording's folder (a new part), or keeps doing so. */
  record(id: string): void {
    const dir = recordingDir(this.o.root, id);
    if (!dir) throw new Error('bad recording id');
    // Already writing it (perhaps an adopted recorder, whose part number differs from ours): keep it.
    if (this.id === id && this.supervisor.wanted) return;
    mkdirSync(dir, { recursive: true });
    this.id = id;
    this.watchDisk();
    void this.supervisor.run(this.args(dir));
  }

  /**
   * Takes over a recorder a killed service left running, if the pid file names one that is alive and
   * runs our command into one of our recordings. Returns the recording it writes.
   */
  adoptOrphan(): string | undefined {
    if (!existsSync(this.o.pidFile)) return undefined;
    let found: { pid: number; id: string } | undefined;
    try {
      const saved = JSON.parse(readFileSync(this.o.pidFile, 'utf8')) as { pid: number; id: string };
      const cmd = commandLine(saved.pid)?.join(' ');
      const dir = RECORDING_ID.test(saved.id) ? recordingDir(this.o.root, saved.id) : undefined;
      if (dir && cmd && isAlive(saved.pid) && cmd.includes('ffmpeg') && cmd.includes(`${dir}/part-`)) found = saved;
    } catch {
      /* unreadable: nothing to adopt */
    }
    if (!found) {
      rmSync(this.o.pidFile, { force: true });
      return undefined;
    }
    this.id = found.id;
    this.supervisor.adopt(found.pid, { args: this.args(recordingDir(this.o.root, found.id)!) });
    this.watchDisk();
    return found.id;
  }

  /**
   * Ends the current part and starts the next, which waits for the publisher: a publisher that comes
   * back starts its timestamps from zero again, and parts keep each publish's clock to itself. SIGKILL:
   * ffmpeg waiting on a silent stream may not heed SIGINT, and a TS part needs no trailer.
   */
  nextPart(): void {
    if (this.id && this.supervisor.pid !== null) this.supervisor.signal('SIGKILL');
  }

  /** Stops writing (SIGINT: ffmpeg closes the part cleanly), then SIGKILL after `graceMs`. */
  async stop(graceMs = 2000): Promise<void> {
    this.unwatchDisk();
    await this.supervisor.stop(graceMs);
    rmSync(this.o.pidFile, { force: true });
    this.id = null;
  }

  private args(dir: string): string[] {
    return recordArgs({ rtmpPort: this.o.rtmpPort, name: this.o.name, output: path.join(dir, partName(1)) });
  }

  private nextPartNumber(): number {
    const dir = this.id ? recordingDir(this.o.root, this.id) : undefined;
    if (!dir) return 1;
    let max = 0;
    for (const f of readdirSync(dir)) {
      const m = PART.exec(f);
      if (m) max = Math.max(max, Number(m[1]));
    }
    return max + 1;
  }

  private writePid(pid: number): void {
    writeFileSync(this.o.pidFile, JSON.stringify({ pid, id: this.id }));
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
