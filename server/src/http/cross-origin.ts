import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { normalizeOrigin } from '../config/schema.js';
import type { Logger } from '../log/logger.js';

/**
 * Which browser origins may read the public API and open the sockets. Pure: an `Origin` header in,
 * a decision out. Matching is exact on scheme, host and port, after normalising the way a browser writes
 * an origin (lower-case host, no default port, no trailing slash); `null` (sandboxed frames, file://) is
 * never allowed.
 */
export class OriginPolicy {
  private readonly allowed: ReadonlySet<string>;
  private readonly site: ReadonlySet<string>;

  /**
   * @param allowed `cors.origins` (CORS_ORIGINS), already normalised by the config.
   * @param siteOrigins the site's own origins (PUBLIC_URL's): allowed on the sockets besides `allowed`.
   */
  constructor(allowed: readonly string[], siteOrigins: readonly string[] = []) {
    this.allowed = new Set(allowed.map((o) => normalizeOrigin(o)).filter((o): o is string => o !== null));
    this.site = new Set(siteOrigins.map((o) => normalizeOrigin(o)).filter((o): o is string => o !== null));
  }

  /** The value for Access-Control-Allow-Origin, or null: no CORS headers (the browser blocks the read). */
  corsOrigin(origin: string | undefined): string | null {
    const o = origin === undefined ? null : normalizeOrigin(origin);
    return o !== null && this.allowed.has(o) ? o : null;
  }

  /**
   * Whether a websocket upgrade may proceed. No `Origin` is a non-browser client (OBS plugins, scripts,
   * the tests): accepted, since a browser always sends one. `ownOrigin` is the origin the request was
   * addressed to (scheme + Host as the browser sent it): a page served by this very site.
   */
  socketAllows(origin: string | undefined, ownOrigin?: string): boolean {
    if (origin === undefined) return true;
    const o = normalizeOrigin(origin);
    if (o === null) return false;
    if (this.allowed.has(o) || this.site.has(o)) return true;
    return ownOrigin !== undefined && normalizeOrigin(ownOrigin) === o;
  }
}

/** Request headers a cross-origin page may send to the read API (what fetch() and axios send). */
const ALLOW_HEADERS = 'Accept, Accept-Language, Content-Language, Content-Type, Cache-Control, Pragma, X-Requested-With, If-None-Match, If-Modified-Since';
const MAX_AGE_SECONDS = 600;

/**
 * CORS for the GET routes registered in `scope` (call it inside an encapsulated plugin, before the
 * routes): an allowed origin gets `Access-Control-Allow-Origin: <origin>` and every answer `Vary: Origin`;
 * each GET route gets an `OPTIONS` preflight. No credentials are allowed (these reads are public), so the
 * origin is echoed only for the listed ones and never `*`. Decided by the route that matched, not the URL.
 */
export function allowCrossOriginReads(scope: FastifyInstance, policy: OriginPolicy): void {
  scope.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    if (!methods.includes('GET') || route.websocket) return;
    scope.options(route.url, async (req, reply) => {
      const origin = policy.corsOrigin(header(req, 'origin'));
      if (origin !== null) {
        void reply
          .header('Access-Control-Allow-Methods', 'GET, HEAD, OPTIONS')
          .header('Access-Control-Allow-Headers', ALLOW_HEADERS)
          .header('Access-Control-Max-Age', String(MAX_AGE_SECONDS));
      }
      return reply.code(204).send();
    });
  });
  scope.addHook('onSend', async (req, reply) => {
    const vary = reply.getHeader('vary');
    if (!vary) void reply.header('Vary', 'Origin');
    else if (!/\borigin\b/i.test(String(vary))) void reply.header('Vary', `${String(vary)}, Origin`);
    const origin = policy.corsOrigin(header(req, 'origin'));
    if (origin !== null) void reply.header('Access-Control-Allow-Origin', origin);
  });
}

/** A request header as one string (node joins a repeated Origin with ", ", which no origin matches). */
function header(req: FastifyRequest, name: string): string | undefined {
  const v = req.headers[name];
  return typeof v === 'string' ? v : undefined;
}

/**
 * The origin a request was addressed to, as the browser saw it: nginx passes the scheme and the Host
 * header it received (X-Forwarded-Proto, X-Forwarded-Host; trusted from loopback only).
 */
export function requestOrigin(req: FastifyRequest): string | undefined {
  const host = header(req, 'x-forwarded-host') ?? header(req, 'host');
  if (!host) return undefined;
  return normalizeOrigin(`${req.protocol}://${host}`) ?? undefined;
}

/**
 * A websocket route's pre-upgrade guard: a page of another site is refused with 403 before the upgrade.
 * Each refused origin is logged once (only the origin, capped; never the URL, which may carry anything).
 */
export function socketOriginGuard(policy: OriginPolicy, logger: Logger, socket: string) {
  const logged = new Set<string>();
  return async (req: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const origin = header(req, 'origin');
    if (policy.socketAllows(origin, requestOrigin(req))) return;
    const shown = String(origin).replace(/[^\x20-\x7e]/g, '?').slice(0, 120);
    if (!logged.has(shown) && logged.size < 1000) {
      logged.add(shown);
      logger.warn({ event: 'ws_origin_refused', origin: shown, socket }, 'websocket refused: a page from another origin (add it to CORS_ORIGINS if it is yours)');
    }
    await reply.code(403).send({ error: 'origin_not_allowed', message: 'Origen no permitido / origin not allowed' });
  };
}
