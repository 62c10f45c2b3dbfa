import type { ChainableCommander, Redis } from 'ioredis';
import type { ChatMessage } from '../protocol.js';
import { DEFAULT_SETTINGS, type ChatSettings, type ChatStore, type Sanction } from './chat-store.js';

/**
 * Removes every message scored before ARGV[1] (exclusive) from the timeline, the visible set and the
 * message hash, in one atomic step so that two instances purging at once never count a message twice.
 * Chunked because Lua's unpack() has a stack limit.
 */
const PURGE_SCRIPT = `
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', '(' .. ARGV[1])
for i = 1, #ids, 500 do
  local chunk = { unpack(ids, i, math.min(i + 499, #ids)) }
  redis.call('HDEL', KEYS[2], unpack(chunk))
  redis.call('ZREM', KEYS[3], unpack(chunk))
  redis.call('ZREM', KEYS[1], unpack(chunk))
end
return #ids
`;

function epochMs(iso: string): number {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new RangeError(`not an ISO time: ${JSON.stringify(iso)}`);
  return ms;
}

/** Runs a MULTI and fails when Redis refused it or any command inside it. */
async function execOrThrow(multi: ChainableCommander): Promise<unknown[]> {
  const replies = await multi.exec();
  if (replies === null) throw new Error('redis transaction was aborted');
  return replies.map(([err, value]) => {
    if (err) throw err;
    return value;
  });
}

/** The stored form leaves out `deleted`: visibility lives in the `visible` set, so clear() is one DEL. */
function encode(m: ChatMessage): string {
  const { deleted: _deleted, ...stored } = m;
  return JSON.stringify(stored);
}

function decode(json: string, visible: boolean): ChatMessage {
  const m = JSON.parse(json) as ChatMessage;
  return visible ? m : { ...m, deleted: true };
}

/**
 * The chat store shared by several service instances. Keys, all under `prefix`:
 *   msg        hash      id → message JSON
 *   timeline   zset      id scored by `at` in epoch ms (range, purge)
 *   visible    zset      ids of messages not deleted, all scored 0 so they sort by id (recent)
 *   sanctions  hash      id → sanction JSON
 *   settings   string    settings JSON
 *   pinned     string    pinned message id (absent = none)
 * Writes that touch several keys go through MULTI/EXEC (or one script), so an acknowledged write is
 * whole. Durability beyond acknowledgement is whatever the Redis server is configured for (AOF/RDB).
 */
export class RedisChatStore implements ChatStore {
  private readonly keys: {
    msg: string;
    timeline: string;
    visible: string;
    sanctions: string;
    settings: string;
    pinned: string;
  };

  constructor(
    private readonly redis: Redis,
    prefix: string,
  ) {
    this.keys = {
      msg: `${prefix}:msg`,
      timeline: `${prefix}:timeline`,
      visible: `${prefix}:visible`,
      sanctions: `${prefix}:sanctions`,
      settings: `${prefix}:settings`,
      pinned: `${prefix}:pinned`,
    };
  }

  async append(m: ChatMessage): Promise<void> {
    await execOrThrow(
      this.redis
        .multi()
        .hset(this.keys.msg, m.id, encode(m))
        .zadd(this.keys.timeline, epochMs(m.at), m.id)
        .zadd(this.keys.visible, 0, m.id),
    );
  }

  async recent(limit: number): Promise<ChatMessage[]> {
    if (limit <= 0) return [];
    const ids = await this.redis.zrevrange(this.keys.visible, 0, limit - 1);
    if (ids.length === 0) return [];
    const rows = await this.redis.hmget(this.keys.msg, ...ids);
    const out: ChatMessage[] = [];
    // A message purged by another instance between the two reads is simply absent.
    for (const json of rows) if (json !== null) out.push(decode(json, true));
    return out.reverse();
  }

  async get(id: string): Promise<ChatMessage | undefined> {
    const [json, score] = (await execOrThrow(this.redis.multi().hget(this.keys.msg, id).zscore(this.keys.visible, id))) as [
      string | null,
      string | null,
    ];
    return json === null ? undefined : decode(json, score !== null);
  }

  async markDeleted(id: string): Promise<boolean> {
    // Only messages that exist are ever in `visible`, so leaving it is "existed and was visible".
    return (await this.redis.zrem(this.keys.visible, id)) > 0;
  }

  async clear(): Promise<void> {
    await this.redis.del(this.keys.visible);
  }

  async range(fromIso: string, toIso: string): Promise<ChatMessage[]> {
    const ids = await this.redis.zrangebyscore(this.keys.timeline, epochMs(fromIso), `(${epochMs(toIso)}`);
    if (ids.length === 0) return [];
    const multi = this.redis.multi().hmget(this.keys.msg, ...ids);
    for (const id of ids) multi.zscore(this.keys.visible, id);
    const [rows, ...scores] = (await execOrThrow(multi)) as [(string | null)[], ...(string | null)[]];
    const out: ChatMessage[] = [];
    rows.forEach((json, i) => {
      if (json !== null) out.push(decode(json, scores[i] !== null));
    });
    // Same order as the SQLite store: by id (the timeline breaks score ties by id too, but the id's
    // time and `at` are written separately and need not agree).
    return out.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  async purgeBefore(iso: string): Promise<number> {
    const n = await this.redis.eval(PURGE_SCRIPT, 3, this.keys.timeline, this.keys.msg, this.keys.visible, String(epochMs(iso)));
    return Number(n);
  }

  async addSanction(s: Sanction): Promise<void> {
    await this.redis.hset(this.keys.sanctions, s.id, JSON.stringify(s));
  }

  async removeSanction(id: string): Promise<boolean> {
    return (await this.redis.hdel(this.keys.sanctions, id)) > 0;
  }

  async activeSanctions(nowIso: string): Promise<Sanction[]> {
    const now = epochMs(nowIso);
    const all = Object.values(await this.redis.hgetall(this.keys.sanctions)).map((json) => JSON.parse(json) as Sanction);
    return all
      .filter((s) => s.until === undefined || epochMs(s.until) > now)
      .sort((a, b) => epochMs(a.at) - epochMs(b.at) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  async getSettings(): Promise<ChatSettings> {
    const json = await this.redis.get(this.keys.settings);
    const stored = json === null ? {} : (JSON.parse(json) as Partial<ChatSettings>);
    return { ...DEFAULT_SETTINGS, wordFilter: [...DEFAULT_SETTINGS.wordFilter], ...stored };
  }

  async setSettings(settings: ChatSettings): Promise<void> {
    await this.redis.set(this.keys.settings, JSON.stringify(settings));
  }

  async getPinned(): Promise<string | null> {
    return this.redis.get(this.keys.pinned);
  }

  async setPinned(id: string | null): Promise<void> {
    if (id === null) await this.redis.del(this.keys.pinned);
    else await this.redis.set(this.keys.pinned, id);
  }

  /**
   * Does nothing: the connection was handed in and may be shared (bus, presence), so whoever created it
   * quits it. Nothing is buffered here, so there is nothing to flush.
   */
  async close(): Promise<void> {}
}
