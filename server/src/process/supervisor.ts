import { spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { createInterface } from 'node:readline';
import type { Logger } from '../log/logger.js';
import type { Redactor } from '../log/redactor.js';
import { commandLine, isAlive, signal, waitForExit } from './processes.js';

/**
 * What a supervised program is: its binary, how its output is read, how it is stopped and restarted.
 * Everything the platform runs as a child — both nginx instances, the ladder ffmpeg, and the recorder and
 * simulcast copies that come next — is one of these.
 */
export interface SupervisedProgram {
  /** For logs and events: 'nginx-media', 'ladder'… */
  name: string;
  binary: string;
  logger: Logger;
  redactor?: Redactor;
  /** The log event of each stderr line ('nginx', 'ffmpeg'), logged as a warning, redacted. */
  stderrEvent: string;
  /** Each stderr line after redaction, besides the log (simulcast reads why a copy failed). */
  onStderr?: (line: string) => void;
  /** Each stdout line (ffmpeg's -progress), when the program writes one; otherwise stdout is ignored. */
  onStdout?: (line: string) => void;
  /** Its own process group (nginx: the workers die with a killed master's group). */
  ownGroup?: boolean;
  /** Signals for a stop, in order, each given an equal share of the stop's time; then SIGKILL. */
  stopSignals: NodeJS.Signals[];
  /** Backoff after a crash: first delay, doubled up to the max; reset after running `stableAfterMs`. */
  restartDelayMs: number;
  maxRestartDelayMs: number;
  stableAfterMs: number;
  /** A start counts only once the child has run this long (nginx fails fast on a bad port or config). */
  confirmAfterMs?: number;
  /** After the child is gone, before a restart: e.g. end its orphaned workers, remove a stale pid file. */
  afterExit?: (pid: number) => void;
  /**
   * The arguments of each launch, from the wanted ones (the recorder writes every run to a new part
   * file, so a restart never overwrites what the previous run wrote).
   */
  argsForLaunch?: (args: string[]) => string[];
}

export type SupervisorPhase = 'stopped' | 'running' | 'restarting';

export interface SupervisorEvents {
  started: [{ pid: number; adopted: boolean }];
  exited: [{ pid: number; code: number | null; signal: string | null; restartInMs?: number }];
  'gave-up': [{ error: string }];
}

export class StartError extends Error {}

/**
 * One supervisor for every child process: spawns with an argument array (never a shell), sends stderr to
 * the logger through the redactor, adopts a process a killed service left running (by pid, after the
 * caller checked its command line), restarts with backoff while the program is wanted, and stops it with
 * its own signals, then SIGKILL.
 */
export class Supervisor extends EventEmitter<SupervisorEvents> {
  private child: ChildProcess | null = null;
  private adoptedPid: number | null = null;
  private adoptWatch: NodeJS.Timeout | null = null;
  private restartTimer: NodeJS.Timeout | null = null;
  private args: string[] | null = null;
  private delay: number;
  private startedAt = 0;
  restarts = 0;
  phase: SupervisorPhase = 'stopped';
  lastExit?: { code: number | null; signal: string | null; at: number };

  constructor(private readonly p: SupervisedProgram) {
    super();
    this.delay = p.restartDelayMs;
  }

  get pid(): number | null {
    return this.child?.pid ?? this.adoptedPid;
  }

  get wanted(): boolean {
    return this.args !== null || this.adoptedPid !== null;
  }

  get adopted(): boolean {
    return this.adoptedPid !== null;
  }

  up(): boolean {
    const pid = this.pid;
    return pid !== null && isAlive(pid);
  }

  /** The arguments of the adopted process, as it was started (for "is it running what we want?"). */
  adoptedArgs(): string[] | undefined {
    return this.adoptedPid === null ? undefined : commandLine(this.adoptedPid)?.slice(1);
  }

  /**
   * Starts the program with these arguments and keeps it running; the same arguments again change
   * nothing, new ones restart it. With `confirmAfterMs`, resolves once it has stayed up that long, and
   * rejects (no restart) if it exits before.
   */
  async run(args: string[]): Promise<void> {
    const same = this.args !== null && this.args.join('\u0000') === args.join('\u0000');
    this.args = args;
    if (this.adoptedPid !== null) {
      // Kept if it runs what we would run; otherwise ended, and the watch starts ours when it is gone.
      if (this.adoptedArgs()?.join('\u0000') !== args.join('\u0000')) signal(this.adoptedPid, this.p.stopSignals[0]!);
      return;
    }
    if (same && (this.child || this.restartTimer)) return;
    if (this.child) {
      this.child.kill(this.p.stopSignals[0]!);
      return;
    }
    if (!this.restartTimer) await this.launch();
  }

  /**
   * Takes over a process a previous service left running; a watch notices when it dies. With `args`, it
   * is wanted as it runs (nginx: its command line is its own title), and ours restarts with those.
   */
  adopt(pid: number, opts: { pollMs?: number; args?: string[] } = {}): void {
    if (!isAlive(pid)) return;
    if (opts.args) this.args = opts.args;
    this.adoptedPid = pid;
    this.startedAt = Date.now();
    this.phase = 'running';
    this.emit('started', { pid, adopted: true });
    this.adoptWatch = setInterval(() => {
      if (this.adoptedPid === null || isAlive(this.adoptedPid)) return;
      const gone = this.adoptedPid;
      this.dropAdopted();
      this.exited(gone, null, null);
    }, opts.pollMs ?? 250);
  }

  /** Sends a signal to the running process (nginx: SIGHUP reloads, SIGQUIT begins a graceful quit). */
  signal(sig: NodeJS.Signals): void {
    const pid = this.pid;
    if (pid !== null) signal(pid, sig);
  }

  /** Not wanted any more: no restart from now on (a stop that does not wait, with `signal`). */
  release(): void {
    this.args = null;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = null;
  }

  /** Stops it: its stop signals in turn, each with a share of `graceMs`, then SIGKILL. */
  async stop(graceMs: number): Promise<void> {
    this.release();
    const pid = this.pid;
    const child = this.child;
    this.dropAdopted();
    this.phase = 'stopped';
    if (pid === null || !isAlive(pid)) return;
    const exited = child && child.exitCode === null && child.signalCode === null ? new Promise((r) => child.once('exit', r)) : null;
    const share = graceMs / this.p.stopSignals.length;
    let gone = false;
    for (const sig of this.p.stopSignals) {
      signal(pid, sig);
      if ((gone = await waitForExit(pid, share))) break;
    }
    if (!gone) {
      signal(pid, 'SIGKILL');
      await waitForExit(pid, 1000);
    }
    await exited;
    this.p.afterExit?.(pid);
  }

  private async launch(): Promise<void> {
    this.restartTimer = null;
    const wanted = this.args;
    if (!wanted) return;
    const args = this.p.argsForLaunch ? this.p.argsForLaunch(wanted) : wanted;
    const log = this.p.logger;
    const child = spawn(this.p.binary, args, { stdio: ['ignore', this.p.onStdout ? 'pipe' : 'ignore', 'pipe'], detached: this.p.ownGroup ?? false });
    this.child = child;
    this.startedAt = Date.now();
    this.phase = 'running';
    if (this.p.onStdout) createInterface({ input: child.stdout! }).on('line', this.p.onStdout);
    createInterface({ input: child.stderr! }).on('line', (line) => {
      if (!line.trim()) return;
      const redacted = this.p.redactor ? this.p.redactor.redact(line) : line;
      log.warn({ event: this.p.stderrEvent, line: redacted }, this.p.stderrEvent);
      this.p.onStderr?.(redacted);
    });
    const failed = new Promise<string>((resolve) => {
      child.once('error', (err) => resolve(err.message));
      child.once('exit', (code, sig) => resolve(`exited with ${code ?? sig}`));
    });
    if (this.p.confirmAfterMs) {
      const outcome = await Promise.race([failed, new Promise<null>((r) => setTimeout(() => r(null), this.p.confirmAfterMs))]);
      if (outcome !== null) {
        this.child = null;
        this.phase = 'stopped';
        if (child.pid) this.p.afterExit?.(child.pid);
        throw new StartError(outcome);
      }
    } else {
      child.once('error', (err) => log.error({ event: `${this.p.name}_spawn_failed`, err: err.message }, `could not start ${this.p.name}`));
    }
    child.once('exit', (code, sig) => {
      if (this.child === child) this.child = null;
      this.exited(child.pid ?? 0, code, sig);
    });
    this.emit('started', { pid: child.pid!, adopted: false });
  }

  private exited(pid: number, code: number | null, sig: string | null): void {
    this.lastExit = { code, signal: sig, at: Date.now() };
    if (pid) this.p.afterExit?.(pid);
    if (!this.args) {
      this.phase = 'stopped';
      this.emit('exited', { pid, code, signal: sig });
      return;
    }
    if (Date.now() - this.startedAt > this.p.stableAfterMs) this.delay = this.p.restartDelayMs;
    this.restarts += 1;
    this.phase = 'restarting';
    this.emit('exited', { pid, code, signal: sig, restartInMs: this.delay });
    this.restartTimer = setTimeout(() => {
      this.launch().catch((err: Error) => {
        this.emit('gave-up', { error: err.message });
        this.exited(0, null, null);
      });
    }, this.delay);
    this.delay = Math.min(this.delay * 2, this.p.maxRestartDelayMs);
  }

  private dropAdopted(): void {
    if (this.adoptWatch) clearInterval(this.adoptWatch);
    this.adoptWatch = null;
    this.adoptedPid = null;
  }
}
