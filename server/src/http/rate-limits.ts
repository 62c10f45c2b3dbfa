import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Redis } from 'ioredis';

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

/** Several instances count one client's requests together in Redis (keys under `${prefix}:rl:`). */
export interface SharedLimitStore {
  redis: Redis;
  prefix: string;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The limit this route counts against, when it differs from its plugin's (the login route). */
    apiGroup?: ApiGroup;
  }
}

/**
 * Installs the limiter without a global hook: each route plugin limits its own routes with `limitRoutes`.
 * What no plugin limits (the websockets with their own per-address and per-message limits, health and
 * metrics probes, nginx's token-checked callbacks) is not limited here.
 */
export async function installRateLimits(app: FastifyInstance, shared?: SharedLimitStore): Promise<void> {
  await app.register(rateLimit, {
    global: false,
    timeWindow: 60_000,
    // Redis down: the requests are served (the wrong-password allowance still guards the login).
    ...(shared ? { redis: shared.redis, nameSpace: `${shared.prefix}:rl:`, skipOnError: true } : {}),
    errorResponseBuilder: (_req, ctx) => ({
      statusCode: 429,
      error: 'rate_limited',
      message: `Demasiadas solicitudes; intente de nuevo en ${Math.ceil(ctx.ttl / 1000)} s. / Too many requests; retry in ${Math.ceil(ctx.ttl / 1000)} s.`,
    }),
  });
}

/** The group a request counts against: its matched route's own, else its plugin's. */
export const groupOf = (req: FastifyRequest, fallback: ApiGroup): ApiGroup => req.routeOptions.config?.apiGroup ?? fallback;

/**
 * Limits every route of an encapsulated plugin — its not-found answers included — against `group`
 * (or the route's own `config.apiGroup`), per client address or per the key `keyOf` gives. Decided by the
 * route that matched, never by the spelling of the URL.
 */
export function limitRoutes(instance: FastifyInstance, limits: ApiLimits, group: ApiGroup, keyOf: (req: FastifyRequest) => string = (req) => req.ip): void {
  instance.addHook(
    'onRequest',
    instance.rateLimit({
      max: (req: FastifyRequest) => limits[groupOf(req, group)],
      keyGenerator: (req: FastifyRequest) => `${groupOf(req, group)}|${keyOf(req)}`,
    }),
  );
}
