import type { FastifyInstance } from 'fastify';
import type { ResolvedConfig } from '../config/load.js';
import { passwordChecker } from '../http/admin-sessions.js';
import { buildApp } from '../http/app.js';
import type { PageWriter } from '../http/page-writer.js';
import { adminRoutes } from '../http/routes/admin.js';
import { legacyApi } from '../http/routes/legacy.js';
import { publicSiteRoutes } from '../http/routes/public.js';
import { callbackRoutes } from '../ingest/callbacks.js';
import { seedMediaSequences } from '../ingest/sequence-seed.js';
import type { PublishAuth } from '../ingest/publish-auth.js';
import type { Logger } from '../log/logger.js';
import type { Metrics } from '../metrics/metrics.js';
import type { NginxInstances } from '../nginx/instances.js';
import type { LivePipeline } from '../observe/live-pipeline.js';
import { originOnlyRoutes } from '../http/routes/admin.js';
import type { StreamSession } from '../storage/stream-sessions.js';
import type { StreamView } from './stream-side.js';
import { databaseWorks, type Db } from '../storage/database.js';
import type { SecretsFile } from '../storage/secrets-file.js';
import type { SiteSettings } from '../storage/site-settings.js';
import type { StreamSessions } from '../storage/stream-sessions.js';
import type { StreamEvents } from '../stream/stream-events.js';
import type { Ladder } from '../transcode/ladder.js';
import type { ChatSide } from './chat-side.js';
import { dataPaths } from './data-paths.js';

export interface HttpParts {
  config: ResolvedConfig;
  logger: Logger;
  db: Db;
  chatSide: ChatSide;
  /** The stream as this instance knows it (its own pipeline, or the origin's through Redis). */
  stream: StreamView;
  /** The media pipeline nginx's callbacks drive; null on a web instance (no nginx-rtmp there). */
  pipeline: LivePipeline | null;
  /** The broadcast under way, for the dashboard. */
  session(): StreamSession | null;
  /** After the admin changed the site settings (an origin tells the web instances). */
  onSiteChange?: () => void;
  /** More readiness checks (Redis on an origin or web instance). */
  readiness?: () => Record<string, boolean>;
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
  const { config, logger, chatSide: c, stream, pipeline } = h;
  const web = config.role === 'web';
  return buildApp({
    logger,
    gateway: c.gateway,
    status: () => stream.status(),
    health: () => stream.health(),
    rateLimits: config.rateLimits,
    ...(c.backend.shared ? { sharedLimits: c.backend.shared } : {}),
    publicRoutes: [publicSiteRoutes(h.site), ...(h.publicExtensions ?? [])],
    readiness: () => ({ started: h.started(), nginx: h.nginx.up(), database: databaseWorks(h.db), ...h.readiness?.() }),
    cors: c.origins,
    publicPlugins: [
      (a) => legacyApi(a, { gateway: c.legacyGateway, chat: c.chat, ladder: h.ladder, publicUrl: config.publicUrl, status: () => stream.status(), viewers: () => c.viewerCount.count, recount: () => c.viewerCount.nudge() }),
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
          onSiteChange: () => {
            h.page.write();
            h.onSiteChange?.();
          },
          overview: () => ({
            status: stream.status(),
            health: stream.health(),
            viewers: c.viewerCount.count,
            peak: c.viewerCount.peak,
            session: h.session(),
            publicUrl: h.publicUrl,
          }),
          healthHistory: () => stream.history(),
          obsServer: `rtmp://${new URL(config.publicUrl).hostname}:${config.rtmpPort}/live`,
          extensions: [...(h.adminExtensions ?? []), ...(web ? [originOnlyRoutes] : [])],
          originOnly: web,
        }),
      ...(pipeline
        ? [
            (a: FastifyInstance) =>
              callbackRoutes(a, {
                auth: h.auth,
                ladder: h.ladder,
                callbackToken: h.callbackToken,
                logger,
                seedPlaylists: () =>
                  seedMediaSequences({ hlsDir: dataPaths(config.dataDir).hlsDir, streamNames: h.ladder.all.map((r) => r.streamName), fragmentSeconds: config.hls.fragmentSeconds, now: Date.now() }),
                onPublishStarted: () => pipeline.publishStarted(),
                onPublishDone: () => pipeline.publishDone(),
              }),
          ]
        : []),
    ],
  });
}
