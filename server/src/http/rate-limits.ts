import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';

/**
 * Requests per minute and per client address, by kind of route (config `rateLimits`): password attempts
 * (on top of the failed-login bucket), the admin API (the pastor's dashboard polls a few routes every few
 * seconds), the public API (a whole congregation may share the church's Wi-Fi address).
 */
export interface ApiLimits {
  login: number;
  admin: number;
  public: number;
}

export type ApiGroup = keyof ApiLimits;

/**
 * Which limit a request counts against, or null for routes that are not limited here: the websockets
 * (their own per-address and per-message limits), health and metrics probes, and nginx's callbacks
 * (loopback, authenticated by the shared token).
 */
export function apiGroup(url: string): ApiGroup | null {
  const path = url.split('?', 1)[0]!;
  if (path === '/api/v1/admin/login') return 'login';
  if (path.startsWith('/api/v1/admin/')) return 'admin';
  if (path.startsWith('/api/') || path === '/v1/streaming' || path === '/v1/streaming/online') return 'public';
  return null;
}

/** Rate limits on the HTTP API, per client address (nginx's X-Forwarded-For, trusted from loopback only). */
export async function rateLimits(app: FastifyInstance, limits: ApiLimits): Promise<void> {
  await app.register(rateLimit, {
    global: true,
    timeWindow: 60_000,
    allowList: (req: FastifyRequest) => apiGroup(req.url) === null,
    keyGenerator: (req: FastifyRequest) => `${apiGroup(req.url) ?? 'none'}|${req.ip}`,
    max: (req: FastifyRequest) => limits[apiGroup(req.url) ?? 'public'],
    errorResponseBuilder: (_req, ctx) => ({
      statusCode: 429,
      error: 'rate_limited',
      message: `Demasiadas solicitudes; intente de nuevo en ${Math.ceil(ctx.ttl / 1000)} s. / Too many requests; retry in ${Math.ceil(ctx.ttl / 1000)} s.`,
    }),
  });
}
