import { TokenBucket } from '../../chat/rate-limit.js';
import type { Db } from '../../storage/database.js';
import { SIGN_IN_ALLOWANCE, type AdminSessionStore, type SignInAttempts, type StoredAdminSession } from './admin-store.js';

/** One machine: sessions in the database (they survive a restart). */
export class SqliteAdminSessionStore implements AdminSessionStore {
  constructor(
    private readonly db: Db,
    private readonly now: () => number = Date.now,
  ) {}

  async put(id: string, s: StoredAdminSession): Promise<void> {
    const now = new Date(this.now()).toISOString();
    this.db.prepare('INSERT INTO admin_sessions (token_hash, csrf, created_at, expires_at) VALUES (?, ?, ?, ?)').run(id, s.csrf, now, new Date(s.expiresAt).toISOString());
    this.db.prepare('DELETE FROM admin_sessions WHERE expires_at <= ?').run(now);
  }

  async get(id: string): Promise<StoredAdminSession | undefined> {
    const row = this.db.prepare('SELECT csrf, expires_at FROM admin_sessions WHERE token_hash = ?').get(id) as { csrf: string; expires_at: string } | undefined;
    return row ? { csrf: row.csrf, expiresAt: Date.parse(row.expires_at) } : undefined;
  }

  async delete(id: string): Promise<void> {
    this.db.prepare('DELETE FROM admin_sessions WHERE token_hash = ?').run(id);
  }
}

/** One machine: allowances in memory (a restart forgives, as it always did). */
export class MemorySignInAttempts implements SignInAttempts {
  private readonly buckets = new Map<string, TokenBucket>();

  async waitSeconds(key: string, now: number): Promise<number> {
    return this.buckets.get(key)?.waitSeconds(now) ?? 0;
  }

  async failed(key: string, now: number): Promise<void> {
    let b = this.buckets.get(key);
    if (!b) {
      if (this.buckets.size > 10_000) this.buckets.clear();
      b = new TokenBucket(SIGN_IN_ALLOWANCE.ratePerSecond, SIGN_IN_ALLOWANCE.burst, now);
      this.buckets.set(key, b);
    }
    b.take(now);
  }
}
