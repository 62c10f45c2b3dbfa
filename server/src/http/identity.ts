import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AdminSessions } from './admin-sessions.js';
import { overlayRequested, type ClientIdentity } from './ws/gateway.js';

export const VIEWER_COOKIE = 'cdp_sid';
export const ADMIN_COOKIE = 'cdp_admin';
/** A browser that signed in to the admin before: its own allowance of wrong passwords. */
export const DEVICE_COOKIE = 'cdp_device';
/** The routes that give a browser its viewer session (matched routes, whatever the URL's spelling). */
const SESSION_ROUTES = new Set(['/ws', '/v1/websocket', '/api/v1/session']);
const NEW_SESSION = Symbol('cdp.newSession');
/** The admin session a request's cookie names, looked up (in SQLite or Redis) before its socket opens. */
const ADMIN_SESSION = Symbol('cdp.adminSession');
type RawRequest = IncomingMessage & { [NEW_SESSION]?: string; [ADMIN_SESSION]?: { id: string } | null };

/** A viewer session id: its creation time (10 base-36 digits, so bans can tell old from new) + 16 random bytes. */
export function newSessionId(now: number): string {
  return `${now.toString(36).padStart(10, '0')}${randomBytes(16).toString('base64url')}`;
}

export function parseCookies(header: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    try {
      out.set(name, decodeURIComponent(value));
    } catch {
      out.set(name, value);
    }
  }
  return out;
}

/**
 * Who is on the other end of a request: a viewer session from a signed cookie (created when missing),
 * a hash of the address (for bans; the address itself is never stored), and whether an admin is signed in.
 */
export class Identity {
  constructor(
    private readonly secret: string,
    private readonly admins: AdminSessions,
    private readonly secureCookies: boolean,
  ) {}

  /** `purpose` keeps one kind of signed cookie from passing for another (a viewer's for an admin device's). */
  sign(sessionId: string, purpose = ''): string {
    return `${sessionId}.${createHmac('sha256', this.secret).update(`${purpose}${sessionId}`).digest('base64url').slice(0, 27)}`;
  }

  verify(value: string | undefined, purpose = ''): string | undefined {
    if (!value) return undefined;
    const dot = value.lastIndexOf('.');
    if (dot <= 0) return undefined;
    const id = value.slice(0, dot);
    const expected = Buffer.from(this.sign(id, purpose));
    const actual = Buffer.from(value);
    return expected.length === actual.length && timingSafeEqual(expected, actual) && /^[A-Za-z0-9_-]{16,64}$/.test(id) ? id : undefined;
  }

  /** Signs the admin-device cookie, in its own domain. */
  readonly devices = {
    sign: (id: string) => this.sign(id, 'admin-device:'),
    verify: (value: string | undefined) => this.verify(value, 'admin-device:'),
  };

  ipHash(ip: string): string {
    return createHash('sha256').update(`${this.secret}:${ip}`).digest('base64url').slice(0, 22);
  }

  /**
   * Looks up the request's admin session once (the store may be Redis: asynchronous), for `of`. A store
   * that does not answer makes the request a viewer's, never an error: the chat goes on without Redis.
   */
  async resolveAdmin(req: FastifyRequest): Promise<void> {
    const raw = req.raw as RawRequest;
    if (raw[ADMIN_SESSION] !== undefined) return;
    try {
      raw[ADMIN_SESSION] = (await this.admins.validate(parseCookies(req.headers.cookie).get(ADMIN_COOKIE))) ?? null;
    } catch {
      raw[ADMIN_SESSION] = null;
    }
  }

  /**
   * Identity of a request; a new viewer session is remembered on the raw request for the cookie. A
   * moderator only when `resolveAdmin` found its session (the install hook does it for the socket routes).
   */
  of(req: FastifyRequest): ClientIdentity {
    const cookies = parseCookies(req.headers.cookie);
    let sessionId = this.verify(cookies.get(VIEWER_COOKIE));
    const raw = req.raw as RawRequest;
    if (!sessionId) {
      sessionId = raw[NEW_SESSION] ?? newSessionId(Date.now());
      raw[NEW_SESSION] = sessionId;
    }
    const admin = raw[ADMIN_SESSION] ?? undefined;
    return { sessionId, ipHash: this.ipHash(req.ip), role: admin ? 'moderator' : 'viewer', ...(admin ? { adminSession: admin.id } : {}) };
  }

  /** `overHttps`: the request itself came over HTTPS (nginx says so), so the cookie is Secure even if PUBLIC_URL is http. */
  viewerCookie(sessionId: string, overHttps = false): string {
    return `${VIEWER_COOKIE}=${this.sign(sessionId)}; Path=/; HttpOnly; SameSite=Lax; Max-Age=31536000${this.secureCookies || overHttps ? '; Secure' : ''}`;
  }

  /**
   * Sets the viewer cookie on responses (plain and websocket upgrades) of requests that had none, so a
   * ban or a time-out follows the browser rather than the connection.
   */
  install(app: FastifyInstance): void {
    app.addHook('onRequest', async (req) => {
      // The OBS overlay's read-only socket has no session, so it gets no cookie.
      if (req.routeOptions.url === '/ws' && overlayRequested(req.query) !== false) return;
      if (!SESSION_ROUTES.has(req.routeOptions.url ?? '')) return;
      await this.resolveAdmin(req);
      this.of(req);
    });
    app.addHook('onSend', async (req, reply) => {
      const created = (req.raw as IncomingMessage & { [NEW_SESSION]?: string })[NEW_SESSION];
      if (created && !reply.hasHeader('set-cookie')) reply.header('set-cookie', this.viewerCookie(created, req.protocol === 'https'));
    });
    app.addHook('onReady', async () => {
      app.websocketServer.on('headers', (headers: string[], req: IncomingMessage & { [NEW_SESSION]?: string }) => {
        const created = req[NEW_SESSION];
        if (created) headers.push(`Set-Cookie: ${this.viewerCookie(created, forwardedHttps(req))}`);
      });
    });
  }
}

/** Whether nginx, on loopback, says the upgrade request came over HTTPS (the raw request, before fastify). */
export function forwardedHttps(req: IncomingMessage): boolean {
  const peer = req.socket.remoteAddress ?? '';
  const fromProxy = peer === '127.0.0.1' || peer === '::1' || peer === '::ffff:127.0.0.1';
  return fromProxy && String(req.headers['x-forwarded-proto'] ?? '').split(',')[0]!.trim() === 'https';
}
