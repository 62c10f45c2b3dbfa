import type { Logger } from '../log/logger.js';
import type { Redactor } from '../log/redactor.js';
import { Supervisor } from '../process/supervisor.js';
import { classifyFailure, REASONS, type FailureCode } from './reasons.js';

export type RelayPhase = 'off' | 'connecting' | 'sending' | 'failing';

export interface RelayStatus {
  phase: RelayPhase;
  /** Seconds sending without a break (0 unless sending). */
  uptimeSec: number;
  /** Outgoing bitrate over the last progress report, kbps. */
  bitrateKbps: number;
  /** Bytes sent to this destination since the service started. */
  bytesOut: number;
  reconnects: number;
  /** Why the last run ended, when it failed. */
  reason?: { code: FailureCode; es: string; en: string; at: string };
}

export interface RelayOptions {
  /** The destination's name, for logs and metrics; never its key. */
  name: string;
  ffmpeg: string;
  logger: Logger;
  redactor: Redactor;
  /** The loopback source URL, to tell our input's errors from the destination's. */
  source: string;
  restartDelayMs?: number;
  maxRestartDelayMs?: number;
  now?: () => number;
  /** Told the running copy's pid (undefined once it exited), so a later start can end an orphan. */
  onPid?: (pid: number | undefined) => void;
}

/**
 * One destination: a supervised ffmpeg copying our source to it, and what the admin sees of it. Each is its
 * own process, so a destination that fails or hangs never touches our stream or the other destinations.
 */
export class Relay {
  private readonly supervisor: Supervisor;
  private readonly now: () => number;
  private phase: RelayPhase = 'off';
  private lines: string[] = [];
  private fields = new Map<string, string>();
  private runBytes = 0;
  private bytesBefore = 0;
  private sendingSince = 0;
  private lastReport: { at: number; bytes: number } | null = null;
  private bitrateKbps = 0;
  private reason?: RelayStatus['reason'];
  private reconnects = 0;
  /** The arguments the copy should run with (null: not wanted). */
  private current: string | null = null;

  constructor(private readonly o: RelayOptions) {
    this.now = o.now ?? Date.now;
    const log = o.logger;
    this.supervisor = new Supervisor({
      name: `simulcast`,
      binary: o.ffmpeg,
      logger: log,
      redactor: o.redactor,
      stderrEvent: 'ffmpeg',
      onStderr: (line) => {
        this.lines.push(line);
        if (this.lines.length > 30) this.lines.shift();
      },
      onStdout: (line) => this.progressLine(line),
      stopSignals: ['SIGINT'],
      restartDelayMs: o.restartDelayMs ?? 1000,
      maxRestartDelayMs: o.maxRestartDelayMs ?? 8000,
      stableAfterMs: 15_000,
    });
    this.supervisor.on('started', ({ pid }) => {
      this.lines = [];
      this.fields = new Map();
      this.runBytes = 0;
      this.lastReport = null;
      this.phase = 'connecting';
      o.onPid?.(pid);
      log.info({ event: 'simulcast_started', destination: o.name, pid }, 'simulcast copy started');
    });
    this.supervisor.on('exited', ({ code, signal, restartInMs }) => {
      const sent = this.runBytes;
      o.onPid?.(undefined);
      this.endRun();
      if (restartInMs === undefined) {
        log.info({ event: 'simulcast_stopped', destination: o.name, code, signal }, 'simulcast copy stopped');
        return;
      }
      const failure = classifyFailure(this.lines, o.source, sent);
      this.reason = { code: failure, ...REASONS[failure], at: new Date(this.now()).toISOString() };
      this.reconnects += 1;
      this.phase = 'failing';
      log.warn({ event: 'simulcast_failed', destination: o.name, reason: failure, code, signal, restartInMs }, `simulcast copy ended: ${REASONS[failure].en}`);
    });
  }

  /**
   * Starts the copy with these arguments, or keeps it running if they are unchanged. New ones (the
   * destination was edited) stop the running copy first, so the edit is not counted as a failure.
   */
  run(args: string[]): void {
    const wanted = args.join('\u0000');
    const previous = this.current;
    this.current = wanted;
    if (previous !== null && previous !== wanted && this.supervisor.wanted) {
      void this.halt().then(() => {
        if (this.current === wanted) void this.supervisor.run(args);
      });
      return;
    }
    void this.supervisor.run(args);
  }

  /**
   * A copy waiting out its backoff starts again now (our publisher is back after a blip: the destination
   * should not wait up to the maximum delay for it). A running copy is left alone.
   */
  retryNow(args: string[]): void {
    if (this.phase !== 'failing' || this.supervisor.up()) return;
    this.supervisor.release();
    void this.supervisor.run(args);
  }

  get wanted(): boolean {
    return this.supervisor.wanted;
  }

  up(): boolean {
    return this.phase === 'sending' && this.supervisor.up();
  }

  async stop(graceMs = 2000): Promise<void> {
    this.current = null;
    await this.halt(graceMs);
  }

  private async halt(graceMs = 2000): Promise<void> {
    if (!this.supervisor.wanted && this.phase === 'off') return;
    await this.supervisor.stop(graceMs);
    this.endRun();
    this.phase = 'off';
    this.reason = undefined;
  }

  status(): RelayStatus {
    const sending = this.phase === 'sending';
    return {
      phase: this.phase,
      uptimeSec: sending ? Math.round((this.now() - this.sendingSince) / 1000) : 0,
      bitrateKbps: sending ? this.bitrateKbps : 0,
      bytesOut: this.bytesBefore + this.runBytes,
      reconnects: this.reconnects,
      ...(this.reason && this.phase !== 'sending' ? { reason: this.reason } : {}),
    };
  }

  private endRun(): void {
    this.bytesBefore += this.runBytes;
    this.runBytes = 0;
    this.bitrateKbps = 0;
    this.lastReport = null;
  }

  /** ffmpeg's -progress: key=value lines, a report closed by `progress=`. */
  private progressLine(line: string): void {
    const eq = line.indexOf('=');
    if (eq <= 0) return;
    const key = line.slice(0, eq).trim();
    const value = line.slice(eq + 1).trim();
    if (key !== 'progress') {
      this.fields.set(key, value);
      return;
    }
    const bytes = Number.parseInt(this.fields.get('total_size') ?? '', 10);
    this.fields = new Map();
    if (!Number.isFinite(bytes) || bytes <= 0) return;
    const at = this.now();
    if (this.lastReport && at > this.lastReport.at) this.bitrateKbps = Math.round(((bytes - this.lastReport.bytes) * 8) / (at - this.lastReport.at));
    this.lastReport = { at, bytes };
    this.runBytes = bytes;
    if (this.phase !== 'sending') {
      this.phase = 'sending';
      this.sendingSince = at;
      this.o.logger.info({ event: 'simulcast_sending', destination: this.o.name }, 'simulcast destination receiving');
    }
  }
}
