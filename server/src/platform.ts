import type { FastifyInstance } from 'fastify';
import { prepareDataDir } from './app/data-paths.js';
import { createArchive } from './archive/archive.js';
import { buildChatSide } from './app/chat-side.js';
import { buildHttp } from './app/http.js';
import { buildMediaSide } from './app/media-side.js';
import { ensureSecrets } from './app/secrets.js';
import { shutdownInOrder } from './app/shutdown.js';
import { scheduleChatPurge } from './chat/retention.js';
import type { ResolvedConfig } from './config/load.js';
import { localPublicUrl } from './config/public-url.js';
import { PageWriter } from './http/page-writer.js';
import { attachChat } from './http/ws/chat-socket.js';
import type { PublishAuth } from './ingest/publish-auth.js';
import { createLogger, type Logger } from './log/logger.js';
import { Redactor } from './log/redactor.js';
import { createMetrics } from './metrics/metrics.js';
import { NginxInstances } from './nginx/instances.js';
import type { LivePipeline } from './observe/live-pipeline.js';
import { createSimulcast } from './simulcast/simulcast.js';
import { openDatabase } from './storage/database.js';
import { SiteSettings } from './storage/site-settings.js';
import { StreamSessions } from './storage/stream-sessions.js';
import { StreamEvents } from './stream/stream-events.js';
import { buildLadder } from './transcode/ladder.js';

export { dataPaths } from './app/data-paths.js';
export { ensureSecrets } from './app/secrets.js';

export interface Platform {
  logger: Logger;
  pipeline: LivePipeline;
  auth: PublishAuth;
  app: FastifyInstance;
  /** Secrets generated during this start, to show the operator once. */
  generated: { streamKey?: string; adminPassword?: string };
  stop(): Promise<void>;
  /** Re-reads the certificate and settings into the public nginx, gracefully (SIGHUP, systemctl reload). */
  reload(): Promise<void>;
}

/**
 * The platform, composed: storage and secrets, the nginx pair, the chat side, the media side, the stream's
 * events, the HTTP app; then started in order (the internal listener first: nginx calls it as soon as a
 * publisher connects) and stopped in order.
 */
export async function startPlatform(config: ResolvedConfig): Promise<Platform> {
  const redactor = new Redactor();
  const logger = createLogger(config.logLevel, redactor);
  const paths = prepareDataDir(config);
  const { auth, generated, callbackToken, secrets, sessionSecret } = ensureSecrets(config, redactor);
  redactor.add(config.metricsToken);
  const db = openDatabase(config.dataDir);
  const sessions = new StreamSessions(db);
  const site = new SiteSettings(db, config.site);
  const page = new PageWriter({ webRoot: config.webRoot, pageRoot: paths.pageRoot, publicUrl: config.publicUrl, site });
  page.write();
  const ladder = buildLadder(config.streamName, config.transcoder.enabled ? config.ladder : []);
  const nginx = new NginxInstances(config, paths, callbackToken, logger, redactor);
  // The old frontend plays the absolute URLs built from PUBLIC_URL: a localhost one reaches nobody else.
  const localUrl = localPublicUrl(config.publicUrl, config.httpPort);
  if (localUrl) logger.warn({ event: 'public_url_local', publicUrl: config.publicUrl, suggestion: localUrl.suggestion }, 'PUBLIC_URL names this machine; set it to the public address');

  // Cookies are Secure when the site is served over HTTPS: PUBLIC_URL says so, or TLS is configured.
  const secureCookies = config.publicUrl.startsWith('https:') || nginx.tls;
  const chatSide = await buildChatSide({ config, db, logger, redactor, sessionSecret, secureCookies, onViewers: (n) => events.noteViewers(n, stream.state.state !== 'offline') });
  const { gateway, legacyGateway, chat, viewerCount } = chatSide;
  const { stream, pipeline } = buildMediaSide({ config, paths, ladder, logger, viewers: () => viewerCount.count, onRenditionsChange: () => events.broadcastStatus() });
  const events = new StreamEvents({
    name: ladder.name,
    sessions,
    status: () => pipeline.status(),
    gateway,
    legacyGateway,
    onAir: (onAir) => page.setLive(onAir),
    onSessionBegin: () => viewerCount.resetPeak(),
  });
  events.attach(stream);
  gateway.onOpen((client) => {
    client.send(events.currentFrame());
    client.send({ type: 'viewers', count: viewerCount.count });
    void viewerCount.nudge();
  });
  attachChat(gateway, chat);
  const metrics = createMetrics(
    {
      status: () => pipeline.status(),
      health: () => pipeline.health(),
      viewers: () => viewerCount.count,
      peak: () => viewerCount.peak,
      wsConnections: () => ({ v2: gateway.count(), legacy: legacyGateway.count() }),
      nginxUp: () => ({ media: nginx.media.up(), web: nginx.web.up() }),
      chat: () => chat.counts,
      renditionIds: ladder.all.map((r) => r.id),
    },
    { token: config.metricsToken },
  );
  // Each enabled destination gets a copy of the source while the stream is on (starting to offline).
  const simulcast = createSimulcast({
    dataDir: config.dataDir,
    initial: config.simulcast,
    ffmpeg: config.binaries.ffmpeg,
    rtmpPort: config.rtmpPort,
    streamName: ladder.source.streamName,
    logger,
    redactor,
    source: () => pipeline.health(),
    registry: metrics.registry,
  });
  stream.onChange((s) => simulcast.onStreamChange(s.state));
  // Every broadcast recorded (copy, no re-encode), finalised and published when it ends.
  const archive = createArchive({
    config: config.archive,
    dataDir: config.dataDir,
    rtmpPort: config.rtmpPort,
    streamName: ladder.name,
    tools: { ffmpeg: config.binaries.ffmpeg, ffprobe: config.binaries.ffprobe },
    publicUrl: config.publicUrl,
    webRoot: config.webRoot,
    db,
    logger,
    redactor,
    site: () => site.get(),
    graceMs: config.graceSeconds * 1000,
  });
  stream.onChange((s) => archive.onStreamChange(s, events.sessionId()));
  let started = false;
  const publicUrl = { url: config.publicUrl, local: localUrl !== null, suggestion: localUrl?.suggestion ?? null };
  const app = await buildHttp({ config, logger, db, chatSide, pipeline, events, ladder, auth, secrets, callbackToken, sessions, site, page, nginx, metrics, secureCookies, started: () => started, publicUrl, adminExtensions: [simulcast.adminRoutes, archive.adminRoutes], publicExtensions: [archive.publicRoutes] });

  await app.listen({ host: '127.0.0.1', port: config.internalPort });
  await nginx.start();
  // Before the pipeline: a recorder a killed service left running is adopted before any state change.
  archive.start();
  pipeline.start();
  viewerCount.start();
  const stopPurge = scheduleChatPurge(chat, config.chat.retentionDays, logger);
  started = true;
  logger.info({ event: 'started', stream: ladder.name, httpPort: config.httpPort, rtmpPort: config.rtmpPort }, 'Casa del Padre Online started');

  let stopping: Promise<void> | undefined;
  const stopAccepting = () => {
    started = false;
    stopPurge();
  };
  return {
    logger,
    pipeline,
    auth,
    app,
    generated,
    reload: () => nginx.reload(),
    stop: () => (stopping ??= shutdownInOrder({ logger, stopAccepting, nginx, app, chatSide, pipeline, copies: [simulcast, archive], db })),
  };
}
