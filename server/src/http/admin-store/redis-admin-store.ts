import type { Redis } from 'ioredis';
import { SIGN_IN_ALLOWANCE, type AdminSessionStore, type SignInAttempts, type StoredAdminSession } from './admin-store.js';

const isStored = (v: unknown): v is StoredAdminSession =>
  typeof v === 'object' && v !== null && typeof (v as StoredAdminSession).csrf === 'string' && typeof (v as StoredAdminSession).expiresAt === 'number';

/** Several instances: one key per session, `${prefix}:admin-session:ID`, expiring with the session. */
export class RedisAdminSessionStore implements AdminSessionStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async put(id: string, s: StoredAdminSession, ttlMs: number): Promise<void> {
    await this.redis.set(this.key(id), JSON.stringify(s), 'PX', Math.max(1, Math.ceil(ttlMs)));
  }

  async get(id: string): Promise<StoredAdminSession | undefined> {
    const raw = await this.redis.get(this.key(id));
    if (raw === null) return undefined;
    try {
      const v: unknown = JSON.parse(raw);
      return isStored(v) ? v : undefined;
    } catch {
      return undefined;
    }
  }

  async delete(id: string): Promise<void> {
    await this.redis.del(this.key(id));
  }

  private key(id: string): string {
    return `${this.prefix}:admin-session:${id}`;
  }
}

/**
 * The token bucket of memory's TokenBucket, run atomically inside Redis so instances share it: fields
 * `t` (tokens) and `at` (ms of the last refill); the key expires once the bucket would be full again.
 * ARGV: rate per second, burst, now (ms), take (1 or 0). Returns the seconds to wait (0: a token is there).
 */
const BUCKET = `
local rate = tonumber(ARGV[1]); local burst = tonumber(ARGV[2]); local now = tonumber(ARGV[3])
local v = redis.call('HMGET', KEYS[1], 't', 'at')
local tokens = tonumber(v[1]) or burst
local at = tonumber(v[2]) or now
tokens = math.min(burst, tokens + math.max(0, now - at) / 1000 * rate)
if ARGV[4] == '1' and tokens >= 1 then tokens = tokens - 1 end
redis.call('HSET', KEYS[1], 't', tostring(tokens), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil(burst / rate * 1000) + 1000)
if tokens >= 1 then return 0 end
return math.ceil((1 - tokens) / rate)
`;

export class RedisSignInAttempts implements SignInAttempts {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async waitSeconds(key: string, now: number): Promise<number> {
    return this.bucket(key, now, false);
  }

  async failed(key: string, now: number): Promise<void> {
    await this.bucket(key, now, true);
  }

  private async bucket(key: string, now: number, take: boolean): Promise<number> {
    const { ratePerSecond, burst } = SIGN_IN_ALLOWANCE;
    const wait = await this.redis.eval(BUCKET, 1, `${this.prefix}:sign-in:${key}`, ratePerSecond, burst, now, take ? '1' : '0');
    return Number(wait);
  }
}
