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
    if (this.timer) clearInterval(this.timer);
  }

  async refresh(intervalMs = this.o.intervalMs ?? 2000): Promise<number> {
    const now = (this.o.now ?? Date.now)();
    try {
      await this.o.presence.report([...new Set(this.o.localSessions())], now);
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
