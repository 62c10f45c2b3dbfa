import type { Db } from '../../storage/database.js';
import type { ChatMessage, ChatRole } from '../protocol.js';
import { DEFAULT_SETTINGS, type ChatSettings, type ChatStore, type Sanction } from './chat-store.js';

interface Row {
  id: string;
  at: string;
  nick: string;
  text: string;
  role: string;
  session_id: string;
  ip_hash: string;
  legacy_sender: string | null;
  show_timestamp: number | null;
  deleted_at: string | null;
}

const toMessage = (r: Row): ChatMessage => ({
  id: r.id,
  at: r.at,
  nick: r.nick,
  text: r.text,
  role: r.role as ChatRole,
  sessionId: r.session_id,
  ipHash: r.ip_hash,
  ...(r.legacy_sender ? { legacySender: r.legacy_sender } : {}),
  ...(r.show_timestamp === null ? {} : { showTimestamp: r.show_timestamp === 1 }),
  ...(r.deleted_at ? { deleted: true } : {}),
});

/** The single-machine chat store. Inserts are synchronous in WAL mode: acknowledged means on disk. */
export class SqliteChatStore implements ChatStore {
  constructor(private readonly db: Db) {}

  async append(m: ChatMessage): Promise<void> {
    this.db
      .prepare(
        'INSERT INTO chat_messages (id, at, nick, text, role, session_id, ip_hash, legacy_sender, show_timestamp) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      )
      .run(m.id, m.at, m.nick, m.text, m.role, m.sessionId, m.ipHash, m.legacySender ?? null, m.showTimestamp === undefined ? null : m.showTimestamp ? 1 : 0);
  }

  async recent(limit: number): Promise<ChatMessage[]> {
    const rows = this.db.prepare('SELECT * FROM chat_messages WHERE deleted_at IS NULL ORDER BY id DESC LIMIT ?').all(limit) as Row[];
    return rows.reverse().map(toMessage);
  }

  async get(id: string): Promise<ChatMessage | undefined> {
    const row = this.db.prepare('SELECT * FROM chat_messages WHERE id = ?').get(id) as Row | undefined;
    return row ? toMessage(row) : undefined;
  }

  async markDeleted(id: string): Promise<boolean> {
    return this.db.prepare('UPDATE chat_messages SET deleted_at = ? WHERE id = ? AND deleted_at IS NULL').run(new Date().toISOString(), id).changes > 0;
  }

  async clear(): Promise<void> {
    this.db.prepare('UPDATE chat_messages SET deleted_at = ? WHERE deleted_at IS NULL').run(new Date().toISOString());
  }

  async range(fromIso: string, toIso: string): Promise<ChatMessage[]> {
    return (this.db.prepare('SELECT * FROM chat_messages WHERE at >= ? AND at < ? ORDER BY id').all(fromIso, toIso) as Row[]).map(toMessage);
  }

  async purgeBefore(iso: string): Promise<number> {
    return this.db.prepare('DELETE FROM chat_messages WHERE at < ?').run(iso).changes;
  }

  async addSanction(s: Sanction): Promise<void> {
    this.db
      .prepare('INSERT OR REPLACE INTO chat_sanctions (id, kind, session_id, ip_hash, nick, at, until, reason, address_until) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
      .run(s.id, s.kind, s.sessionId, s.ipHash, s.nick, s.at, s.until ?? null, s.reason ?? null, s.addressUntil ?? null);
  }

  async removeSanction(id: string): Promise<boolean> {
    return this.db.prepare('DELETE FROM chat_sanctions WHERE id = ?').run(id).changes > 0;
  }

  async activeSanctions(nowIso: string): Promise<Sanction[]> {
    const rows = this.db.prepare('SELECT * FROM chat_sanctions WHERE until IS NULL OR until > ? ORDER BY at').all(nowIso) as Record<string, string | null>[];
    return rows.map((r) => ({
      id: r.id!,
      kind: r.kind as Sanction['kind'],
      sessionId: r.session_id!,
      ipHash: r.ip_hash!,
      nick: r.nick!,
      at: r.at!,
      ...(r.until ? { until: r.until } : {}),
      ...(r.reason ? { reason: r.reason } : {}),
      ...(r.address_until ? { addressUntil: r.address_until } : {}),
    }));
  }

  async getSettings(): Promise<ChatSettings> {
    const row = this.db.prepare("SELECT value FROM chat_state WHERE key = 'settings'").get() as { value: string } | undefined;
    const stored = row ? (JSON.parse(row.value) as Partial<ChatSettings>) : {};
    return { ...DEFAULT_SETTINGS, ...stored, wordFilter: [...(stored.wordFilter ?? DEFAULT_SETTINGS.wordFilter)] };
  }

  async setSettings(settings: ChatSettings): Promise<void> {
    this.db.prepare("INSERT INTO chat_state (key, value) VALUES ('settings', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value").run(JSON.stringify(settings));
  }

  async getPinned(): Promise<string | null> {
    const row = this.db.prepare("SELECT value FROM chat_state WHERE key = 'pinned'").get() as { value: string } | undefined;
    return row ? (JSON.parse(row.value) as string | null) : null;
  }

  async setPinned(id: string | null): Promise<void> {
    this.db.prepare("INSERT INTO chat_state (key, value) VALUES ('pinned', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value").run(JSON.stringify(id));
  }

  async close(): Promise<void> {
    /* the database is owned and closed by the platform */
  }
}
