import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { AdminSessionStore } from './admin-store/admin-store.js';
import { verifyPassword } from '../storage/secrets-file.js';

const hash = (s: string) => createHash('sha256').update(s).digest('hex');

/**
 * Signed-in admins: random tokens (stored hashed) with a CSRF token each, expiring. A session's id is its
 * token's hash: what sockets remember to be demoted by, never the token itself. Kept in the store given
 * (SQLite on one machine, Redis across instances: admin-store/).
 */
export class AdminSessions {
  private readonly endListeners: ((id: string) => void)[] = [];

  constructor(
    private readonly store: AdminSessionStore,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  async create(): Promise<{ token: string; csrf: string; expiresAt: string }> {
    const token = randomBytes(32).toString('base64url');
    const csrf = randomBytes(24).toString('base64url');
    const expiresAt = this.now() + this.ttlMs;
    await this.store.put(hash(token), { csrf, expiresAt }, this.ttlMs);
    return { token, csrf, expiresAt: new Date(expiresAt).toISOString() };
  }

  async validate(token: string | undefined): Promise<{ csrf: string; id: string } | undefined> {
    if (!token || token.length > 100) return undefined;
    const id = hash(token);
    const s = await this.store.get(id);
    if (!s || s.expiresAt <= this.now()) return undefined;
    return { csrf: s.csrf, id };
  }

  /** Whether the session with this id is still signed in (not signed out, not expired). */
  async active(id: string): Promise<boolean> {
    const s = await this.store.get(id);
    return s !== undefined && s.expiresAt > this.now();
  }

  /** Signs a session out; the listeners hear its id (its sockets are demoted). */
  async destroy(token: string | undefined): Promise<void> {
    if (!token || token.length > 100) return;
    const id = hash(token);
    await this.store.delete(id);
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
