import type { FastifyInstance } from 'fastify';
import type { ResolvedConfig } from '../config/load.js';
import { passwordChecker } from '../http/admin-sessions.js';
import { buildApp } from '../http/app.js';
import type { PageWriter } from '../http/page-writer.js';
import { adminRoutes } from '../http/routes/admin.js';
import { legacyApi } from '../http/routes/legacy.js';
import { publicSiteRoutes } from '../http/routes/public.js';
import { callbackRoutes } from '../ingest/callbacks.js';
import type { PublishAuth } from '../ingest/publish-auth.js';
import type { Logger } from '../log/logger.js';
import type { Metrics } from '../metrics/metrics.js';
import type { NginxInstances } from '../nginx/instances.js';
import type { LivePipeline } from '../observe/live-pipeline.js';
import { databaseWorks, type Db } from '../storage/database.js';
import type { SecretsFile } from '../storage/secrets-file.js';
import type { SiteSettings } from '../storage/site-settings.js';
import type { StreamSessions } from '../storage/stream-sessions.js';
import type { StreamEvents } from '../stream/stream-events.js';
import type { Ladder } from '../transcode/ladder.js';
import type { ChatSide } from './chat-side.js';

export interface HttpParts {
  config: ResolvedConfig;
  logger: Logger;
  db: Db;
  chatSide: ChatSide;
  pipeline: LivePipeline;
  events: StreamEvents;
  ladder: Ladder;
  auth: PublishAuth;
  secrets: SecretsFile;
  callbackToken: string;
  sessions: StreamSessions;
  site: SiteSettings;
  page: PageWriter;
  nginx: NginxInstances;
  metrics: Metrics;
  secureCookies: boolean;
  /** Whether the service has started (readiness). */
  started(): boolean;
  /** PUBLIC_URL as the admin shows it, with whether it still names this machine. */
  publicUrl: { url: string; local: boolean; suggestion: string | null };
  /** More public read route sets under /api (recordings…), with CORS and the public limit. */
  publicExtensions?: ((api: FastifyInstance) => void)[];
  /** More admin route sets (simulcast, recordings…), behind the admin plugin's guard. */
  adminExtensions?: ((admin: FastifyInstance) => void)[];
}

/**
 * The service's HTTP app on the internal listener: the public read API and the old frontend's routes
 * (CORS, public limit), both sockets, metrics, the admin API behind its login, nginx's callbacks.
 */
export async function buildHttp(h: HttpParts): Promise<FastifyInstance> {
  const { config, logger, chatSide: c, pipeline } = h;
  return buildApp({
    logger,
    gateway: c.gateway,
    status: () => pipeline.status(),
    health: () => pipeline.health(),
    rateLimits: config.rateLimits,
    ...(c.backend.shared ? { sharedLimits: c.backend.shared } : {}),
    publicRoutes: [publicSiteRoutes(h.site), ...(h.publicExtensions ?? [])],
    readiness: () => ({ started: h.started(), nginx: h.nginx.up(), database: databaseWorks(h.db) }),
    cors: c.origins,
    publicPlugins: [
      (a) => legacyApi(a, { gateway: c.legacyGateway, chat: c.chat, ladder: h.ladder, publicUrl: config.publicUrl, status: () => pipeline.status(), viewers: () => c.viewerCount.count, recount: () => c.viewerCount.nudge() }),
    ],
    plugins: [
      (a) => c.identity.install(a),
      (a) => h.metrics.routes(a),
      (a) => c.legacyGateway.routes(a),
      (a) =>
        adminRoutes(a, {
          sessions: c.adminSessions,
          attempts: c.signInAttempts,
          checkPassword: passwordChecker(config.adminPassword, () => h.secrets.read().adminPasswordHash),
          chat: c.chat,
          auth: h.auth,
          streamSessions: h.sessions,
          logger,
          secureCookies: h.secureCookies,
          devices: c.identity.devices,
          rateLimits: config.rateLimits,
          sessionTtlSec: config.adminSessionHours * 3600,
          site: h.site,
          onSiteChange: () => h.page.write(),
          overview: () => ({
            status: pipeline.status(),
            health: pipeline.health(),
            viewers: c.viewerCount.count,
            peak: c.viewerCount.peak,
            session: h.events.session(),
            publicUrl: h.publicUrl,
          }),
          healthHistory: () => pipeline.history(),
          obsServer: `rtmp://${new URL(config.publicUrl).hostname}:${config.rtmpPort}/live`,
          extensions: h.adminExtensions ?? [],
        }),
      (a) =>
        callbackRoutes(a, {
          auth: h.auth,
          ladder: h.ladder,
          callbackToken: h.callbackToken,
          logger,
          onPublishStarted: () => pipeline.publishStarted(),
          onPublishDone: () => pipeline.publishDone(),
        }),
    ],
  });
}
