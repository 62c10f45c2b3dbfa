import type { Logger } from '../log/logger.js';
import { Supervisor } from '../process/supervisor.js';
import { ProgressParser, type TranscoderProgress } from './ffmpeg-progress.js';

import type { SupervisorPhase } from '../process/supervisor.js';

export interface TranscoderHealth {
  phase: SupervisorPhase;
  restarts: number;
  pid?: number;
  progress?: TranscoderProgress & { at: number };
  lastExit?: { code: number | null; signal: string | null; at: number };
}

export interface TranscoderOptions {
  ffmpeg: string;
  logger: Logger;
  /** Backoff after a crash: first delay, doubled up to the max. */
  restartDelayMs?: number;
  maxRestartDelayMs?: number;
  /** Running this long without a crash resets the backoff. */
  stableAfterMs?: number;
  onPid?: (pid: number | undefined) => void;
}

/**
 * Supervises the ladder's ffmpeg: starts it with the given arguments, restarts it within seconds when it
 * dies while wanted, and stops it (SIGINT, then SIGKILL) when the publisher leaves. The source rendition
 * does not depend on it: nginx writes that one itself.
 */
export class Transcoder {
  private readonly supervisor: Supervisor;
  private progress?: TranscoderProgress & { at: number };

  constructor(private readonly o: TranscoderOptions) {
    const parser = new ProgressParser();
    const log = o.logger;
    this.supervisor = new Supervisor({
      name: 'transcoder',
      binary: o.ffmpeg,
      logger: log,
      stderrEvent: 'ffmpeg',
      onStdout: (line) => {
        const report = parser.push(line);
        if (report) this.progress = { ...report, at: Date.now() };
      },
      stopSignals: ['SIGINT'],
      restartDelayMs: o.restartDelayMs ?? 100,
      maxRestartDelayMs: o.maxRestartDelayMs ?? 4000,
      stableAfterMs: o.stableAfterMs ?? 20_000,
    });
    this.supervisor.on('started', ({ pid, adopted }) => {
      if (adopted) {
        log.info({ event: 'transcoder_adopted', pid }, 'transcoder left by a previous start adopted');
        return;
      }
      o.onPid?.(pid);
      log.info({ event: 'transcoder_started', pid, restarts: this.supervisor.restarts }, 'transcoder started');
    });
    this.supervisor.on('exited', ({ pid, code, signal, restartInMs }) => {
      o.onPid?.(undefined);
      this.progress = undefined;
      if (restartInMs === undefined) log.info({ event: 'transcoder_stopped', code, signal }, 'transcoder stopped');
      else log.warn({ event: 'transcoder_exited', pid, code, signal, restartInMs }, 'transcoder exited; restarting');
    });
  }

  get wanted(): boolean {
    return this.supervisor.wanted;
  }

  status(): TranscoderHealth {
    const s = this.supervisor;
    return {
      phase: s.phase,
      restarts: s.restarts,
      pid: s.pid ?? undefined,
      ...(this.progress ? { progress: this.progress } : {}),
      ...(s.lastExit ? { lastExit: s.lastExit } : {}),
    };
  }

  /**
   * Takes over the ladder a killed service left running: the rungs keep their segments coming and viewers
   * see no gap. The next `ensure` keeps it if its arguments are the ones wanted, or replaces it.
   */
  adopt(pid: number): void {
    this.supervisor.adopt(pid);
  }

  /** Starts (or keeps running) the transcoder with these arguments. */
  ensure(args: string[]): void {
    void this.supervisor.run(args);
  }

  async stop(graceMs = 3000): Promise<void> {
    await this.supervisor.stop(graceMs);
    this.o.onPid?.(undefined);
  }
}
