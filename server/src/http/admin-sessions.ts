import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Db } from '../storage/database.js';
import { verifyPassword } from '../storage/secrets-file.js';

const hash = (s: string) => createHash('sha256').update(s).digest('hex');

/**
 * Signed-in admins: random tokens (stored hashed) with a CSRF token each, expiring. A session's id is its
 * token's hash: what sockets remember to be demoted by, never the token itself.
 */
export class AdminSessions {
  private readonly endListeners: ((id: string) => void)[] = [];

  constructor(
    private readonly db: Db,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  create(): { token: string; csrf: string; expiresAt: string } {
    const token = randomBytes(32).toString('base64url');
    const csrf = randomBytes(24).toString('base64url');
    const now = this.now();
    const expiresAt = new Date(now + this.ttlMs).toISOString();
    this.db.prepare('INSERT INTO admin_sessions (token_hash, csrf, created_at, expires_at) VALUES (?, ?, ?, ?)').run(hash(token), csrf, new Date(now).toISOString(), expiresAt);
    this.db.prepare('DELETE FROM admin_sessions WHERE expires_at <= ?').run(new Date(now).toISOString());
    return { token, csrf, expiresAt };
  }

  validate(token: string | undefined): { csrf: string; id: string } | undefined {
    if (!token || token.length > 100) return undefined;
    const id = hash(token);
    const row = this.db.prepare('SELECT csrf, expires_at FROM admin_sessions WHERE token_hash = ?').get(id) as { csrf: string; expires_at: string } | undefined;
    if (!row || Date.parse(row.expires_at) <= this.now()) return undefined;
    return { csrf: row.csrf, id };
  }

  /** Whether the session with this id is still signed in (not signed out, not expired). */
  active(id: string): boolean {
    const row = this.db.prepare('SELECT expires_at FROM admin_sessions WHERE token_hash = ?').get(id) as { expires_at: string } | undefined;
    return row !== undefined && Date.parse(row.expires_at) > this.now();
  }

  /** Signs a session out; the listeners hear its id (its sockets are demoted). */
  destroy(token: string | undefined): void {
    if (!token || token.length > 100) return;
    const id = hash(token);
    this.db.prepare('DELETE FROM admin_sessions WHERE token_hash = ?').run(id);
    for (const listener of this.endListeners) listener(id);
  }

  /** Told the id of every session signed out here. (Expiry is noticed by asking `active`.) */
  onEnd(listener: (id: string) => void): void {
    this.endListeners.push(listener);
  }
}

/** Checks the admin password: ADMIN_PASSWORD when set, else the hash generated on first start. */
export function passwordChecker(envPassword: string | undefined, storedHash: () => string | undefined): (candidate: string) => boolean {
  return (candidate) => {
    if (envPassword) {
      const a = createHash('sha256').update(candidate).digest();
      const b = createHash('sha256').update(envPassword).digest();
      return timingSafeEqual(a, b);
    }
    const stored = storedHash();
    return stored ? verifyPassword(candidate, stored) : false;
  };
}
