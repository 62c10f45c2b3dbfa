import type { Redis } from 'ioredis';
import type { ChatBus, ChatEvent, Presence } from './chat-bus.js';

export interface RedisBusOptions {
  /** Told about connection errors of the subscriber and about handlers that threw. */
  onError?: (err: unknown) => void;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isMessage = (v: unknown): boolean => isObject(v) && typeof v.id === 'string' && typeof v.at === 'string' && typeof v.text === 'string';

/**
 * Whether a payload from the channel looks like an event this version understands. Another instance
 * (possibly older or newer) or anyone with access to Redis can publish there, so the shape is checked
 * enough that handlers can trust the fields they read.
 */
function isChatEvent(v: unknown): v is ChatEvent {
  if (!isObject(v)) return false;
  switch (v.kind) {
    case 'message':
      return isMessage(v.message);
    case 'join':
      return typeof v.nick === 'string' && typeof v.at === 'string';
    case 'deleted':
      return typeof v.id === 'string';
    case 'cleared':
      return true;
    case 'pinned':
      return v.message === null || isMessage(v.message);
    case 'settings':
      return isObject(v.settings);
    case 'sanction':
      return isObject(v.sanction) && typeof v.sanction.id === 'string';
    case 'admin-ended':
      return typeof v.session === 'string';
    default:
      return false;
  }
}

/**
 * Fan-out between instances over one pub/sub channel, `${prefix}:events`. A Redis connection in
 * subscriber mode can run no other command, so the bus subscribes on its own duplicate of the given
 * connection and publishes on the given one. Events published here come back through Redis like
 * everyone else's, so the publisher's own handlers see them in the same order as other instances do.
 */
export class RedisBus implements ChatBus {
  private readonly channel: string;
  private readonly subscriber: Redis;
  private readonly handlers = new Set<(e: ChatEvent) => void>();
  /** Resolves once the channel subscription is active; publishing waits for it so no own event is lost. */
  private readonly subscribed: Promise<void>;
  private closed = false;

  constructor(
    private readonly redis: Redis,
    prefix: string,
    private readonly options: RedisBusOptions = {},
  ) {
    this.channel = `${prefix}:events`;
    this.subscriber = redis.duplicate();
    this.subscriber.on('error', (err) => this.options.onError?.(err));
    this.subscriber.on('message', (channel: string, payload: string) => {
      if (channel === this.channel) this.deliver(payload);
    });
    this.subscribed = this.subscriber.subscribe(this.channel).then(() => undefined);
    // Publishing surfaces a failed subscription; this keeps it from being an unhandled rejection meanwhile.
    this.subscribed.catch(() => undefined);
  }

  /** Resolves once this instance hears the channel: before that, other instances' events are missed. */
  ready(): Promise<void> {
    return this.subscribed;
  }

  async publish(event: ChatEvent): Promise<void> {
    await this.subscribed;
    await this.redis.publish(this.channel, JSON.stringify(event));
  }

  subscribe(handler: (e: ChatEvent) => void): () => void {
    this.handlers.add(handler);
    return () => this.handlers.delete(handler);
  }

  /** Unsubscribes and quits the subscriber connection it created; the publishing connection is the caller's. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.handlers.clear();
    try {
      await this.subscriber.unsubscribe(this.channel);
      await this.subscriber.quit();
    } catch {
      this.subscriber.disconnect();
    }
  }

  private deliver(payload: string): void {
    let event: unknown;
    try {
      event = JSON.parse(payload);
    } catch {
      return;
    }
    if (!isChatEvent(event)) return;
    for (const h of [...this.handlers]) {
      // One failing handler must not starve the others, nor throw into the Redis client's parser.
      try {
        h(event);
      } catch (err) {
        this.options.onError?.(err);
      }
    }
  }
}

/**
 * Viewer presence shared by instances: one sorted set, `${prefix}:presence`, member = session id,
 * score = last seen (ms). Entries are trimmed at twice the counting window, so a lagging instance's
 * report is still there when it is counted.
 */
export class RedisPresence implements Presence {
  private readonly key: string;

  constructor(
    private readonly redis: Redis,
    prefix: string,
  ) {
    this.key = `${prefix}:presence`;
  }

  async report(sessionIds: string[], nowMs: number): Promise<void> {
    if (sessionIds.length === 0) return;
    const pipeline = this.redis.pipeline();
    // Bounded batches keep one command's argument list reasonable with thousands of viewers.
    for (let i = 0; i < sessionIds.length; i += 1000) {
      pipeline.zadd(this.key, ...sessionIds.slice(i, i + 1000).flatMap((id) => [nowMs, id]));
    }
    const replies = await pipeline.exec();
    for (const [err] of replies ?? []) if (err) throw err;
  }

  /** A session still open on another instance is reported again by it within one interval. */
  async forget(sessionIds: string[]): Promise<void> {
    for (let i = 0; i < sessionIds.length; i += 1000) await this.redis.zrem(this.key, ...sessionIds.slice(i, i + 1000));
  }

  async count(nowMs: number, windowMs: number): Promise<number> {
    const replies = await this.redis
      .pipeline()
      .zremrangebyscore(this.key, '-inf', `(${nowMs - windowMs * 2}`)
      .zcount(this.key, nowMs - windowMs, '+inf')
      .exec();
    const [trim, counted] = replies ?? [];
    if (trim?.[0]) throw trim[0];
    if (!counted || counted[0]) throw counted?.[0] ?? new Error('redis pipeline returned no reply');
    return Number(counted[1]);
  }

  /** Does nothing: the connection is the caller's. */
  async close(): Promise<void> {}
}
