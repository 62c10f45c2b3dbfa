/**
 * Where admin sign-ins live: one machine keeps them in SQLite and in memory; several instances keep them
 * in Redis, so a sign-in on one instance holds on every other, a sign-out ends it everywhere, and wrong
 * passwords count against one allowance whichever instance answered them.
 */

/** A signed-in admin, by its id (the hash of its token: never the token itself). */
export interface StoredAdminSession {
  csrf: string;
  /** Epoch milliseconds. */
  expiresAt: number;
}

export interface AdminSessionStore {
  /** Keeps the session for `ttlMs` (and may forget expired ones meanwhile). */
  put(id: string, session: StoredAdminSession, ttlMs: number): Promise<void>;
  get(id: string): Promise<StoredAdminSession | undefined>;
  delete(id: string): Promise<void>;
}

/** Wrong-password allowances: a token bucket per key (`ip:…` or `device:…`). The caller passes the time. */
export interface SignInAttempts {
  /** Seconds the key must wait before its next attempt (0: it may try now). */
  waitSeconds(key: string, now: number): Promise<number>;
  /** A wrong password: one token fewer. */
  failed(key: string, now: number): Promise<void>;
}

/** Five wrong passwords, then one more every 12 s. */
export const SIGN_IN_ALLOWANCE = { ratePerSecond: 1 / 12, burst: 5 } as const;
