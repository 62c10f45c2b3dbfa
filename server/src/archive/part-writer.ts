import { readdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from '../log/logger.js';
import type { Redactor } from '../log/redactor.js';
import { commandLine, isAlive, signal } from '../process/processes.js';
import { Supervisor } from '../process/supervisor.js';
import { recordingDir, RECORDING_ID } from './ids.js';

export interface PartWriterOptions {
  /** Its log events' prefix: 'recorder' → recorder_started, recorder_exited… */
  event: string;
  ffmpeg: string;
  root: string;
  pidFile: string;
  logger: Logger;
  redactor?: Redactor;
  /** Its part files: the nth run's name, and the pattern that finds them. */
  partName(n: number): string;
  part: RegExp;
  /** The ffmpeg arguments writing to `output` (the last argument, replaced by each run's part). */
  args(output: string): string[];
  /** After an unwanted exit, before the restart: false ends it (nothing to copy, e.g. a source without audio). */
  keepGoing?(): boolean;
}

/**
 * One supervised ffmpeg copying a loopback stream into the current recording's folder. Each run (the first,
 * a restart after a crash, a publisher's return) writes the next part file, so nothing already written is
 * overwritten; finalising joins the parts. Its pid and recording id are kept in a file so a restarted
 * service adopts a copy that outlived it, or ends one writing a recording that is no longer being written.
 */
export class PartWriter {
  private readonly supervisor: Supervisor;
  /** The recording it writes (or last wrote), for its part numbers and its logs. */
  id: string | null = null;

  constructor(private readonly o: PartWriterOptions) {
    const log = o.logger;
    const ev = o.event;
    this.supervisor = new Supervisor({
      name: ev,
      binary: o.ffmpeg,
      logger: log,
      redactor: o.redactor,
      stderrEvent: 'ffmpeg',
      stopSignals: ['SIGINT'],
      restartDelayMs: 100,
      maxRestartDelayMs: 4000,
      stableAfterMs: 20_000,
      argsForLaunch: (args) => [...args.slice(0, -1), path.join(path.dirname(args.at(-1)!), o.partName(this.nextPartNumber()))],
    });
    this.supervisor.on('started', ({ pid, adopted }) => {
      if (!adopted) writeFileSync(o.pidFile, JSON.stringify({ pid, id: this.id }));
      log.info({ event: adopted ? `${ev}_adopted` : `${ev}_started`, pid, recording: this.id }, adopted ? `${ev} left by a previous start adopted` : `${ev} started`);
    });
    this.supervisor.on('exited', ({ pid, code, signal, restartInMs }) => {
      if (restartInMs === undefined) {
        rmSync(o.pidFile, { force: true });
        log.info({ event: `${ev}_stopped`, code, signal, recording: this.id }, `${ev} stopped`);
      } else if (o.keepGoing && !o.keepGoing()) {
        // Not restarted: the exit above says why, and nothing is logged again and again.
        log.info({ event: `${ev}_stopped`, code, signal, recording: this.id, reason: 'nothing to copy' }, `${ev} stopped: nothing to copy`);
        void this.stop();
      } else {
        log.warn({ event: `${ev}_exited`, pid, code, signal, restartInMs, recording: this.id }, `${ev} exited; restarting`);
      }
    });
  }

  get pid(): number | null {
    return this.supervisor.pid;
  }

  /** Running (or restarting) into this recording. */
  writing(id: string): boolean {
    return this.id === id && this.supervisor.wanted;
  }

  /** Starts writing this recording's next part, or keeps writing it. */
  write(id: string): void {
    if (this.writing(id)) return;
    this.id = id;
    void this.supervisor.run(this.o.args(path.join(recordingDir(this.o.root, id)!, this.o.partName(1))));
  }

  /**
   * What the pid file names, if it is alive and runs our command into one of our recordings: adopted when
   * it writes `into` (or any, without `into`); otherwise ended (SIGKILL: a TS part needs no trailer).
   * Returns the recording it writes, once adopted.
   */
  adoptOrphan(into?: string): string | undefined {
    const found = this.orphan();
    if (!found || (into !== undefined && found.id !== into)) {
      rmSync(this.o.pidFile, { force: true });
      if (found) {
        signal(found.pid, 'SIGKILL');
        this.o.logger.warn({ event: `${this.o.event}_orphan_killed`, pid: found.pid, recording: found.id }, `ended a ${this.o.event} left by a previous start`);
      }
      return undefined;
    }
    this.id = found.id;
    this.supervisor.adopt(found.pid, { args: this.o.args(path.join(recordingDir(this.o.root, found.id)!, this.o.partName(1))) });
    return found.id;
  }

  /** Ends the current part (SIGKILL: ffmpeg waiting on a silent stream may not heed SIGINT); the next run writes the next part. */
  nextPart(): void {
    if (this.id && this.supervisor.pid !== null) this.supervisor.signal('SIGKILL');
  }

  /** Stops writing (SIGINT: ffmpeg closes the part cleanly), then SIGKILL after `graceMs`. */
  async stop(graceMs = 2000): Promise<void> {
    await this.supervisor.stop(graceMs);
    rmSync(this.o.pidFile, { force: true });
  }

  private orphan(): { pid: number; id: string } | undefined {
    if (!existsSync(this.o.pidFile)) return undefined;
    try {
      const saved = JSON.parse(readFileSync(this.o.pidFile, 'utf8')) as { pid: number; id: string };
      const cmd = isAlive(saved.pid) ? commandLine(saved.pid) : undefined;
      const dir = RECORDING_ID.test(saved.id) ? recordingDir(this.o.root, saved.id) : undefined;
      const out = cmd?.at(-1);
      // Ours: an ffmpeg writing one of our part files into that recording's folder.
      const ours = dir && cmd && out && cmd[0]!.includes('ffmpeg') && path.dirname(out) === dir && this.o.part.test(path.basename(out));
      return ours ? { pid: saved.pid, id: saved.id } : undefined;
    } catch {
      return undefined; // unreadable: nothing to adopt
    }
  }

  private nextPartNumber(): number {
    const dir = this.id ? recordingDir(this.o.root, this.id) : undefined;
    if (!dir || !existsSync(dir)) return 1;
    let max = 0;
    for (const f of readdirSync(dir)) {
      const m = this.o.part.exec(f);
      if (m) max = Math.max(max, Number(m[1]));
    }
    return max + 1;
  }
}
