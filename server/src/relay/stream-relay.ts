import type { Redis } from 'ioredis';
import type { Logger } from '../log/logger.js';
import type { RemoteStream, StreamSnapshot } from '../stream/remote-stream.js';
import { decodeSnapshot, encodeSnapshot } from './stream-snapshot.js';

/**
 * The stream's state from the origin to the web instances, through Redis: the latest snapshot under
 * `${prefix}:stream` (expiring, refreshed every couple of seconds: an origin that is gone stops being
 * believed) and each change at once on the channel `${prefix}:stream-events`. A web instance reads both,
 * so a missed message (Redis restarted, a subscriber reconnecting) is made good by the next read.
 */
const keys = (prefix: string) => ({ value: `${prefix}:stream`, channel: `${prefix}:stream-events` });
/** The origin's snapshot outlives a few missed refreshes, not an origin that died. */
const TTL_MS = 15_000;

export interface PublisherOptions {
  redis: Redis;
  prefix: string;
  logger: Logger;
  snapshot(): Omit<StreamSnapshot, 'at' | 'seq'>;
  everyMs?: number;
  now?: () => number;
}

/** The origin's side: publishes the snapshot on every change and refreshes it periodically. */
export class StreamStatePublisher {
  private seq = 0;
  private timer: NodeJS.Timeout | null = null;
  private failing = false;

  constructor(private readonly o: PublisherOptions) {}

  start(): void {
    this.changed();
    this.timer = setInterval(() => void this.send(false), this.o.everyMs ?? 2000);
    this.timer.unref();
  }

  /** The state, the renditions or the site changed: every web instance hears it now. */
  changed(): void {
    void this.send(true);
  }

  /** A clean stop: the snapshot is withdrawn, so the web instances show the stream offline at once. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    const k = keys(this.o.prefix);
    try {
      await this.o.redis.del(k.value);
      await this.o.redis.publish(k.channel, 'gone');
    } catch {
      // Redis unreachable: the snapshot expires by itself.
    }
  }

  private async send(announce: boolean): Promise<void> {
    const k = keys(this.o.prefix);
    const text = encodeSnapshot({ ...this.o.snapshot(), at: (this.o.now ?? Date.now)(), seq: (this.seq += 1) });
    try {
      await this.o.redis.set(k.value, text, 'PX', TTL_MS);
      if (announce) await this.o.redis.publish(k.channel, text);
      if (this.failing) this.o.logger.info({ event: 'stream_state_shared' }, 'stream state reaches Redis again');
      this.failing = false;
    } catch (err) {
      if (!this.failing) this.o.logger.warn({ event: 'stream_state_share_failed', err: (err as Error).message }, 'could not share the stream state through Redis');
      this.failing = true;
    }
  }
}

export interface FollowerOptions {
  redis: Redis;
  prefix: string;
  logger: Logger;
  remote: RemoteStream;
  /** Every snapshot read (after the remote stream took it). */
  onSnapshot?(snapshot: StreamSnapshot): void;
  everyMs?: number;
  now?: () => number;
}

/** A web instance's side: applies the origin's snapshots to its RemoteStream. */
export class StreamStateFollower {
  private readonly subscriber: Redis;
  private timer: NodeJS.Timeout | null = null;
  private readonly now: () => number;
  /** When this instance last read a snapshot (its own clock). */
  private lastReadAt = -Infinity;

  constructor(private readonly o: FollowerOptions) {
    this.now = o.now ?? Date.now;
    this.subscriber = o.redis.duplicate();
    this.subscriber.on('error', (err: Error) => o.logger.debug({ event: 'redis_error', err: err.message }, 'redis subscriber error'));
  }

  async start(): Promise<void> {
    const k = keys(this.o.prefix);
    this.subscriber.on('message', (channel: string, text: string) => {
      if (channel !== k.channel) return;
      if (text === 'gone') this.o.remote.apply(null, this.now());
      else this.apply(text);
    });
    await this.subscriber.subscribe(k.channel);
    await this.read();
    this.timer = setInterval(() => void this.read(), this.o.everyMs ?? 1000);
    this.timer.unref();
  }

  /** Whether both connections to Redis are up (readiness). */
  connected(): boolean {
    return this.o.redis.status === 'ready' && this.subscriber.status === 'ready';
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.subscriber.disconnect();
  }

  private async read(): Promise<void> {
    let text: string | null;
    try {
      text = await this.o.redis.get(keys(this.o.prefix).value);
    } catch {
      return; // Redis away: keep what we know until it answers again.
    }
    if (text !== null) this.apply(text);
    // No snapshot: the origin is gone only once its last one would have expired. Sooner, Redis lost it
    // (restarted without its data): the origin writes it again within seconds; viewers see no flap.
    else if (this.now() - this.lastReadAt >= TTL_MS) this.o.remote.apply(null, this.now());
  }

  private apply(text: string): void {
    const snapshot = decodeSnapshot(text);
    if (!snapshot) {
      this.o.logger.warn({ event: 'stream_state_unreadable' }, 'ignored a stream state from Redis this version does not understand');
      return;
    }
    this.lastReadAt = this.now();
    this.o.remote.apply(snapshot, this.now());
    this.o.onSnapshot?.(snapshot);
  }
}
