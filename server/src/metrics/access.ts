import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';

/** What the access rule needs to know about a request. */
export interface MetricsRequest {
  /** The X-Forwarded-For header: nginx always sets it, so its presence means "came from outside". */
  forwardedFor: string | string[] | undefined;
  /** The socket's peer, not req.ip (which trusts X-Forwarded-For from loopback). */
  remoteAddress: string | undefined;
  authorization: string | undefined;
}

export type MetricsAccess = { allowed: true } | { allowed: false; status: 401 | 404 };

export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  const a = address.startsWith('::ffff:') ? address.slice(7) : address;
  return a === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(a);
}

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/**
 * Who may read /metrics. A Prometheus on this machine scraping the loopback listener directly always may;
 * anything that came through nginx sees nothing (404) unless a token is configured, and then needs it.
 */
export function metricsAccess(req: MetricsRequest, token: string | undefined): MetricsAccess {
  const forwarded = req.forwardedFor !== undefined;
  if (!forwarded && isLoopback(req.remoteAddress)) return { allowed: true };
  if (!token) return { allowed: false, status: 404 };
  const m = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(req.authorization ?? '');
  // Digests have equal length, so the comparison takes the same time whatever the length of the guess.
  if (m && timingSafeEqual(digest(m[1]!), digest(token))) return { allowed: true };
  return { allowed: false, status: 401 };
}

/** GET /metrics: the exposition text for whoever `metricsAccess` lets in; 404 or 401 for the others. */
export function metricsRoute(app: FastifyInstance, contentType: string, scrape: () => Promise<string>, token: string | undefined): void {
  app.get('/metrics', async (req: FastifyRequest, reply) => {
    const access = metricsAccess({ forwardedFor: req.headers['x-forwarded-for'], remoteAddress: req.socket.remoteAddress, authorization: req.headers.authorization }, token);
    if (!access.allowed && access.status === 404) return reply.code(404).send({ error: 'not_found', message: 'No encontrado / not found' });
    if (!access.allowed) {
      return reply
        .code(401)
        .header('www-authenticate', 'Bearer realm="metrics"')
        .send({ error: 'unauthorized', message: 'Se requiere un token / a bearer token is required' });
    }
    const text = await scrape();
    return reply.header('content-type', contentType).header('cache-control', 'no-store').send(text);
  });
}
