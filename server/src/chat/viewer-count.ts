import type { Logger } from '../log/logger.js';
import type { Presence } from './bus/chat-bus.js';

export interface ViewerCountOptions {
  presence: Presence;
  /** Session ids of the sockets connected to this instance. */
  localSessions(): string[];
  /** Called with the new count when it changes (at most once per interval). */
  onChange(count: number): void;
  logger: Logger;
  intervalMs?: number;
  /** Least time between two refreshes asked for by sockets opening or closing (a crowd reconnecting at once). */
  nudgeGapMs?: number;
  now?: () => number;
}

/**
 * The audience: connected sessions, each counted once across tabs, sockets and instances, recomputed every
 * 2 s and announced only when it changes.
 */
export class ViewerCount {
  private timer: NodeJS.Timeout | null = null;
  private current = 0;
  private peakValue = 0;
  private lastRefreshAt = Number.NEGATIVE_INFINITY;
  private nudged: Promise<number> | null = null;
  /** Sessions this instance reported last time: those no longer connected are forgotten at once. */
  private reported = new Set<string>();
  /** After stop(): sockets closing on shutdown do not recount against a backend being closed. */
  private stopped = false;

  constructor(private readonly o: ViewerCountOptions) {}

  get count(): number {
    return this.current;
  }

  get peak(): number {
    return this.peakValue;
  }

  resetPeak(): void {
    this.peakValue = this.current;
  }

  start(): void {
    const interval = this.o.intervalMs ?? 2000;
    this.timer = setInterval(() => void this.refresh(interval), interval);
    this.timer.unref();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
  }

  /**
   * A socket opened or closed: recount soon, as the first backend did on every connect and disconnect,
   * instead of at the next 2 s tick. Nudges within `nudgeGapMs` of the last refresh share one. Resolves
   * with the count after that refresh (which includes a socket that has just opened).
   */
  nudge(): Promise<number> {
    if (this.stopped) return Promise.resolve(this.current);
    if (this.nudged) return this.nudged;
    const wait = Math.max(0, this.lastRefreshAt + (this.o.nudgeGapMs ?? 250) - (this.o.now ?? Date.now)());
    this.nudged = new Promise<number>((resolve) => {
      setTimeout(() => {
        this.nudged = null;
        void this.refresh().then(resolve);
      }, wait);
    });
    return this.nudged;
  }

  async refresh(intervalMs = this.o.intervalMs ?? 2000): Promise<number> {
    const now = (this.o.now ?? Date.now)();
    this.lastRefreshAt = now;
    try {
      const local = new Set(this.o.localSessions());
      const gone = [...this.reported].filter((id) => !local.has(id));
      this.reported = local;
      // A session whose last socket closed stops counting now, not a window later (the first backend
      // counted sockets). Another instance still holding it reports it again within one interval.
      if (gone.length > 0) await this.o.presence.forget(gone, now);
      await this.o.presence.report([...local], now);
      // Three intervals: an instance that missed one report is not dropped from the count.
      const count = await this.o.presence.count(now, intervalMs * 3);
      if (count !== this.current) {
        this.current = count;
        this.peakValue = Math.max(this.peakValue, count);
        this.o.onChange(count);
      }
    } catch (err) {
      this.o.logger.warn({ event: 'viewer_count_failed', err: (err as Error).message }, 'viewer count failed');
    }
    return this.current;
  }
}
