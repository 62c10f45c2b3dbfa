/**
 * Every process the bench starts goes through here, so that none outlives the bench: a normal stop is
 * SIGTERM then SIGKILL; on any exit of the bench (error, Ctrl-C, uncaught exception) whatever is still
 * running — including grandchildren such as the service's nginx and ladder ffmpeg — is SIGKILLed.
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { alive, cmdline, descendants, procStat } from './proc.js';

export interface Tracked {
  label: string;
  child: ChildProcess;
  /** Resolves with the exit code/signal once the process has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

interface Remembered {
  pid: number;
  startTicks: number;
}

export class ChildSet {
  private readonly running = new Set<Tracked>();
  /** Descendants seen while their parent was alive (nginx, ladder ffmpeg): killed too at the end. */
  private readonly grandchildren = new Map<number, Remembered>();
  private installed = false;

  spawn(label: string, command: string, args: string[], options: SpawnOptions = {}): Tracked {
    this.installHandlers();
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options });
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
      child.once('exit', (code, signal) => resolve({ code, signal }));
      child.once('error', () => resolve({ code: null, signal: null }));
    });
    const tracked: Tracked = { label, child, exited };
    this.running.add(tracked);
    void exited.then(() => this.running.delete(tracked));
    return tracked;
  }

  /** Remembers a process's current descendants so the final cleanup can reach them after it dies. */
  rememberDescendants(pid: number): void {
    for (const d of descendants(pid)) this.grandchildren.set(d.pid, { pid: d.pid, startTicks: d.startTicks });
  }

  /** SIGTERM, then SIGKILL after graceMs. Returns how it ended and how long stopping took. */
  async stop(t: Tracked, graceMs = 5000, signal: NodeJS.Signals = 'SIGTERM'): Promise<{ ms: number; killed: boolean }> {
    const started = Date.now();
    if (t.child.exitCode !== null || t.child.signalCode !== null || t.child.pid === undefined) return { ms: 0, killed: false };
    t.child.kill(signal);
    let killed = false;
    const timer = setTimeout(() => {
      killed = true;
      t.child.kill('SIGKILL');
    }, graceMs);
    // Bounded even if SIGKILL does not take (a process stuck in uninterruptible I/O).
    await Promise.race([t.exited, new Promise((resolve) => setTimeout(resolve, graceMs + 5000).unref())]);
    clearTimeout(timer);
    return { ms: Date.now() - started, killed };
  }

  /**
   * Remembered descendants still alive (the same process, not a reused pid). Used after a stop to see
   * whether the service left nginx or ffmpeg behind.
   */
  leftovers(): number[] {
    const out: number[] = [];
    for (const r of this.grandchildren.values()) {
      const s = procStat(r.pid);
      if (s && s.startTicks === r.startTicks && alive(r.pid)) out.push(r.pid);
      else this.grandchildren.delete(r.pid);
    }
    return out;
  }

  /** Synchronous, for process 'exit': SIGKILL everything still running, grandchildren included. */
  killAllSync(): void {
    for (const t of this.running) {
      if (t.child.pid !== undefined) this.rememberDescendants(t.child.pid);
    }
    for (const t of this.running) {
      try {
        t.child.kill('SIGKILL');
      } catch {
        /* already gone */
      }
    }
    for (const pid of this.leftovers()) {
      // Only our kind of process: never something that merely reused the pid.
      if (!/nginx|ffmpeg|node/.test(cmdline(pid)[0] ?? '')) continue;
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
  }

  /** Polite cleanup: SIGTERM everything, SIGKILL what is left after graceMs, then the grandchildren. */
  async stopAll(graceMs = 5000): Promise<void> {
    for (const t of this.running) if (t.child.pid !== undefined) this.rememberDescendants(t.child.pid);
    await Promise.all([...this.running].map((t) => this.stop(t, graceMs)));
    this.killAllSync();
  }

  private installHandlers(): void {
    if (this.installed) return;
    this.installed = true;
    process.on('exit', () => this.killAllSync());
    for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
      process.once(sig, () => {
        process.stderr.write(`\nbench: ${sig}, stopping every child process…\n`);
        void this.stopAll(2000).finally(() => process.exit(130));
      });
    }
  }
}
