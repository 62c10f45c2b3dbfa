import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Logger } from '../log/logger.js';
import { ProgressParser, type TranscoderProgress } from './ffmpeg-progress.js';
import { commandLine, isAlive, signal } from './processes.js';

export type TranscoderPhase = 'stopped' | 'running' | 'restarting';

export interface TranscoderHealth {
  phase: TranscoderPhase;
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
  private child: ChildProcess | null = null;
  /** A ladder ffmpeg a killed service left running, taken over by this one. */
  private adoptedPid: number | null = null;
  private adoptWatch: NodeJS.Timeout | null = null;
  private args: string[] | null = null;
  private timer: NodeJS.Timeout | null = null;
  private delay: number;
  private startedAt = 0;
  private readonly health: TranscoderHealth = { phase: 'stopped', restarts: 0 };

  constructor(private readonly o: TranscoderOptions) {
    this.delay = o.restartDelayMs ?? 100;
  }

  get wanted(): boolean {
    return this.args !== null || this.adoptedPid !== null;
  }

  status(): TranscoderHealth {
    return { ...this.health, pid: this.child?.pid ?? this.adoptedPid ?? undefined };
  }

  /**
   * Takes over the ladder a killed service left running: the rungs keep their segments coming and viewers
   * see no gap. The next `ensure` keeps it if its arguments are the ones wanted, or replaces it.
   */
  adopt(pid: number): void {
    if (!isAlive(pid)) return;
    this.adoptedPid = pid;
    this.startedAt = Date.now();
    this.health.phase = 'running';
    this.o.logger.info({ event: 'transcoder_adopted', pid }, 'transcoder left by a previous start adopted');
    this.adoptWatch = setInterval(() => {
      if (this.adoptedPid === null || isAlive(this.adoptedPid)) return;
      const gone = this.adoptedPid;
      this.dropAdopted();
      this.o.onPid?.(undefined);
      if (!this.args) return;
      this.health.restarts += 1;
      this.o.logger.warn({ event: 'transcoder_exited', pid: gone, adopted: true }, 'adopted transcoder exited; restarting');
      if (!this.timer && !this.child) this.launch();
    }, 250);
  }

  /** Starts (or keeps running) the transcoder with these arguments. */
  ensure(args: string[]): void {
    const same = this.args !== null && this.args.join('\u0000') === args.join('\u0000');
    this.args = args;
    if (this.adoptedPid !== null) {
      // Kept if it runs what we would run; otherwise ended, and the watch starts ours when it is gone.
      if (commandLine(this.adoptedPid)?.slice(1).join('\u0000') !== args.join('\u0000')) signal(this.adoptedPid, 'SIGINT');
      return;
    }
    if (same && (this.child || this.timer)) return;
    if (this.child) {
      // Arguments changed (e.g. the source gained audio): restart with the new ones.
      this.child.kill('SIGINT');
      return;
    }
    if (!this.timer) this.launch();
  }

  async stop(graceMs = 3000): Promise<void> {
    this.args = null;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.adoptedPid !== null) {
      const pid = this.adoptedPid;
      this.dropAdopted();
      this.health.phase = 'stopped';
      signal(pid, 'SIGINT');
      const end = Date.now() + graceMs;
      while (isAlive(pid) && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
      signal(pid, 'SIGKILL');
      this.o.onPid?.(undefined);
      return;
    }
    const child = this.child;
    this.health.phase = 'stopped';
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      const kill = setTimeout(() => child.kill('SIGKILL'), graceMs);
      child.once('exit', () => {
        clearTimeout(kill);
        resolve();
      });
      child.kill('SIGINT');
    });
  }

  private launch(): void {
    this.timer = null;
    const args = this.args;
    if (!args) return;
    const log = this.o.logger;
    const child = spawn(this.o.ffmpeg, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    this.startedAt = Date.now();
    this.health.phase = 'running';
    this.o.onPid?.(child.pid);
    log.info({ event: 'transcoder_started', pid: child.pid, restarts: this.health.restarts }, 'transcoder started');

    const progress = new ProgressParser();
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const report = progress.push(line);
      if (report) this.health.progress = { ...report, at: Date.now() };
    });
    createInterface({ input: child.stderr! }).on('line', (line) => {
      if (line.trim()) log.warn({ event: 'ffmpeg', line }, 'ffmpeg');
    });
    child.on('error', (err) => log.error({ event: 'transcoder_spawn_failed', err: err.message }, 'could not start ffmpeg'));
    child.on('exit', (code, signal) => {
      if (this.child === child) this.child = null;
      this.o.onPid?.(undefined);
      this.health.lastExit = { code, signal, at: Date.now() };
      this.health.progress = undefined;
      if (!this.args) {
        log.info({ event: 'transcoder_stopped', code, signal }, 'transcoder stopped');
        return;
      }
      if (Date.now() - this.startedAt > (this.o.stableAfterMs ?? 20_000)) this.delay = this.o.restartDelayMs ?? 100;
      this.health.restarts += 1;
      this.health.phase = 'restarting';
      log.warn({ event: 'transcoder_exited', code, signal, restartInMs: this.delay }, 'transcoder exited; restarting');
      this.timer = setTimeout(() => this.launch(), this.delay);
      this.delay = Math.min(this.delay * 2, this.o.maxRestartDelayMs ?? 4000);
    });
  }

  private dropAdopted(): void {
    if (this.adoptWatch) clearInterval(this.adoptWatch);
    this.adoptWatch = null;
    this.adoptedPid = null;
  }
}
