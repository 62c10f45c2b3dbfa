import formbody from '@fastify/formbody';
import websocket from '@fastify/websocket';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyReply } from 'fastify';
import type { Logger } from '../log/logger.js';
import type { IngestHealth } from '../observe/live-pipeline.js';
import type { StreamStatus } from '../stream/status.js';
import { allowCrossOriginReads, OriginPolicy } from './cross-origin.js';
import { installRateLimits, limitRoutes, type ApiLimits, type SharedLimitStore } from './rate-limits.js';
import type { WsGateway } from './ws/gateway.js';

export interface AppDeps {
  logger: Logger;
  /** The /ws socket; the app only mounts its route, whatever frames it sends. */
  gateway: Pick<WsGateway<object>, 'maxPayload' | 'routes'>;
  status(): StreamStatus;
  health(): IngestHealth;
  /** HTTP API requests per minute and client address. */
  rateLimits: ApiLimits;
  /** With REDIS_URL: the per-minute limits are counted across instances in Redis. */
  sharedLimits?: SharedLimitStore;
  /** Readiness checks by name; each true when that part works. */
  readiness(): Record<string, boolean>;
  /** More public read route sets under /api (paths relative to it), limited like the status. */
  publicRoutes?: ((api: FastifyInstance) => void)[];
  /**
   * Extra route sets (callbacks, chat, admin) registered by the wiring. Each one that needs a guard or a
   * limit registers its routes in an encapsulated plugin of its own, with the guard as that plugin's hook.
   */
  plugins?: ((app: FastifyInstance) => void | Promise<void>)[];
  /** Origins allowed to read the public API cross-origin (none: same origin only). */
  cors?: OriginPolicy;
  /** Public read routes (legacy REST, site…) registered next to /api/v1/status, under the same CORS. */
  publicPlugins?: ((scope: FastifyInstance) => void | Promise<void>)[];
}

/**
 * The service's HTTP app, on the internal loopback listener. nginx proxies /api/, /ws and the health
 * endpoints to it; nginx-rtmp calls the callbacks on it directly.
 */
/** A route the app registered: its method and the path the router matches (prefixes included). */
export interface RouteEntry {
  method: string;
  url: string;
  open: boolean;
}
const routeTables = new WeakMap<FastifyInstance, RouteEntry[]>();

/** Every route of an app built by buildApp, for tests that must reach each one. */
export function routeTable(app: FastifyInstance): RouteEntry[] {
  return [...(routeTables.get(app) ?? [])];
}

export async function buildApp(d: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: d.logger as FastifyBaseLogger,
    // Our own event lines instead: request URLs may carry the callback token.
    logController: new LogController({ disableRequestLogging: true }),
    trustProxy: ['127.0.0.1', '::1'],
    bodyLimit: 64 * 1024,
    // The router's own refusals (an over-long or undecodable path parameter) in our shape, without
    // echoing the path back.
    frameworkErrors: (err, _req, reply) => {
      const long = err.code === 'FST_ERR_MAX_PARAM_LENGTH';
      void (reply as FastifyReply).code(long ? 414 : 400).send({ error: 'bad_request', message: long ? 'Dirección demasiado larga / URL too long' : 'Dirección inválida / invalid URL' });
    },
  });
  const table: RouteEntry[] = [];
  routeTables.set(app, table);
  app.addHook('onRoute', (r) => {
    for (const method of [r.method].flat()) table.push({ method, url: r.url, open: r.config?.open === true });
  });
  await app.register(formbody);
  await installRateLimits(app, d.sharedLimits);
  await app.register(websocket, { options: { maxPayload: d.gateway.maxPayload } });

  app.setErrorHandler((err: { statusCode?: number; message: string }, req, reply) => {
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
    if (status === 500) req.log.error({ event: 'http_error', url: req.routeOptions.url, err: err.message }, 'request failed');
    const error = status === 500 ? 'internal' : status === 429 ? 'rate_limited' : 'bad_request';
    void reply.code(status).send({ error, message: status === 500 ? 'Error interno / internal error' : err.message });
  });
  app.setNotFoundHandler((_req, reply) => void reply.code(404).send({ error: 'not_found', message: 'No encontrado / not found' }));

  // The public read API: one scope answers CORS (admin, callbacks and metrics never do) and counts against
  // the public limit — every route under /api that the admin plugin does not own, unknown ones included,
  // and the legacy REST routes registered beside them.
  await app.register(async (scope) => {
    allowCrossOriginReads(scope, d.cors ?? new OriginPolicy([]));
    limitRoutes(scope, d.rateLimits, 'public');
    await scope.register(
      async (api) => {
        api.setNotFoundHandler((_req, reply) => void reply.code(404).send({ error: 'not_found', message: 'No encontrado / not found' }));
        api.get('/v1/status', async () => d.status());
        api.get('/v1/health', async () => d.health());
        for (const routes of d.publicRoutes ?? []) routes(api);
      },
      { prefix: '/api' },
    );
    for (const plugin of d.publicPlugins ?? []) await plugin(scope);
  });
  app.get('/healthz', async () => ({ ok: true }));
  app.get('/readyz', async (_req, reply) => {
    const checks = d.readiness();
    const ok = Object.values(checks).every(Boolean);
    return reply.code(ok ? 200 : 503).send({ ok, checks });
  });

  d.gateway.routes(app);
  for (const plugin of d.plugins ?? []) await plugin(app);
  return app;
}
