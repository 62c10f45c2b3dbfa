/**
 * Batched fan-out for the /ws sockets that opted in (`?batch=1`). A broadcast is serialised once by the
 * gateway; here it is appended to every opted-in socket's mailbox, and a timer writes each mailbox as ONE
 * `{"type":"batch","messages":[…]}` frame. Two numbers bound the work:
 *
 * - `tickMs`: what is broadcast within one tick (from the first pending message) goes out together;
 * - `framesPerSecond`: at most this many batch frames are written per second (per tick: its share). With
 *   a large audience a pass over every socket takes several ticks; the messages broadcast meanwhile join
 *   the frames still waiting, so each frame carries more messages instead of the service writing more
 *   frames. A socket waits at most about sockets ÷ framesPerSecond (10 000 ÷ 25 000 = 0.4 s) plus a tick.
 *
 * Sockets are served first come, first served (a FIFO of mailboxes that have something pending). The
 * sockets whose pending messages are the same run of broadcasts (almost all of them) share one encoded
 * Buffer per tick.
 */

/** The pending broadcasts of one opted-in socket. */
export interface Mailbox {
  /** Serialised messages not yet written, in broadcast order. */
  texts: string[];
  /** Sequence numbers of the first and last pending broadcast: equal runs share one encoded frame. */
  first: number;
  last: number;
  /** In the FIFO of mailboxes to write (it may be empty by then: a reply wrote it early). */
  queued: boolean;
  /** Writes one text frame to the socket (the gateway's slow-consumer check included). */
  write(frame: Buffer | string): void;
}

export interface FanoutOptions {
  tickMs: number;
  framesPerSecond: number;
  /** Runs `fn` after `ms`; returns a cancel function. Tests pass a manual clock. */
  schedule?: (fn: () => void, ms: number) => () => void;
  /** Milliseconds, monotonic enough for the budget (default performance.now). */
  now?: () => number;
}

export const FANOUT_DEFAULTS = { tickMs: 50, framesPerSecond: 25_000 } as const;

/** The batch frame of these already-serialised messages: no message is serialised again. */
export function batchText(texts: readonly string[]): string {
  return `{"type":"batch","messages":[${texts.join(',')}]}`;
}

export function newMailbox(write: (frame: Buffer | string) => void): Mailbox {
  return { texts: [], first: 0, last: 0, queued: false, write };
}

const realSchedule = (fn: () => void, ms: number) => {
  const timer = setTimeout(fn, ms);
  timer.unref();
  return () => clearTimeout(timer);
};

export class BatchFanout {
  private queue: Mailbox[] = [];
  private head = 0;
  private seq = 0;
  private cancel: (() => void) | null = null;
  private lastTick = 0;
  /** Frames written by the timer since start (for tests and metrics). */
  framesWritten = 0;

  constructor(private readonly o: FanoutOptions) {}

  /** Batch frames written per tick at most, when the tick comes on time. */
  get perTick(): number {
    return this.budget(this.o.tickMs);
  }

  /**
   * The frames this tick may write: its share of `framesPerSecond` for the time since the last tick, so a
   * tick that comes late (a busy machine) catches up instead of stretching every socket's wait; at most
   * four ticks' worth at once.
   */
  private budget(elapsedMs: number): number {
    const ms = Math.min(Math.max(elapsedMs, this.o.tickMs), 4 * this.o.tickMs);
    return Math.max(1, Math.floor((this.o.framesPerSecond * ms) / 1000));
  }

  private now(): number {
    return (this.o.now ?? performance.now.bind(performance))();
  }

  /** One broadcast message, already serialised, for every one of these mailboxes. */
  broadcast(text: string, boxes: Iterable<Mailbox>): void {
    const seq = ++this.seq;
    let any = false;
    for (const b of boxes) {
      if (b.texts.length === 0) b.first = seq;
      b.texts.push(text);
      b.last = seq;
      if (!b.queued) {
        b.queued = true;
        this.queue.push(b);
      }
      any = true;
    }
    if (any) this.arm();
  }

  /**
   * A reply to this socket's own frame (welcome, ack, error, its history): written now, after what was
   * pending for it, so it never overtakes a broadcast and is never delayed by the budget.
   */
  reply(b: Mailbox, text: string): void {
    if (b.texts.length === 0) {
      b.write(text);
      return;
    }
    b.texts.push(text);
    const frame = batchText(b.texts);
    b.texts = [];
    b.write(frame);
  }

  /** The socket closed: nothing pending is written (its FIFO place is skipped). */
  forget(b: Mailbox): void {
    b.texts = [];
  }

  stop(): void {
    this.cancel?.();
    this.cancel = null;
    this.queue = [];
    this.head = 0;
  }

  /** Writes up to `perTick` mailboxes, oldest first; the rest wait for the next tick. */
  private tick(): void {
    this.cancel = null;
    const shared = new Map<string, Buffer>();
    const now = this.now();
    let budget = this.budget(now - this.lastTick);
    this.lastTick = now;
    while (budget > 0 && this.head < this.queue.length) {
      const b = this.queue[this.head++]!;
      b.queued = false;
      if (b.texts.length === 0) continue;
      const key = `${b.first}:${b.last}`;
      let frame = shared.get(key);
      if (!frame) {
        frame = Buffer.from(batchText(b.texts));
        shared.set(key, frame);
      }
      b.texts = [];
      b.write(frame);
      this.framesWritten += 1;
      budget -= 1;
    }
    if (this.head === this.queue.length) {
      this.queue = [];
      this.head = 0;
    } else if (this.head > 4096) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
    if (this.queue.length > 0) this.arm(true);
  }

  /** `fromTick`: a pass goes on (its budget counts from that tick); otherwise the first message after idling. */
  private arm(fromTick = false): void {
    if (this.cancel) return;
    if (!fromTick) this.lastTick = this.now();
    this.cancel = (this.o.schedule ?? realSchedule)(() => this.tick(), this.o.tickMs);
  }
}
