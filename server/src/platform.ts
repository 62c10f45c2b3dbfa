import type { FastifyInstance } from 'fastify';
import { prepareDataDir } from './app/data-paths.js';
import { buildChatSide } from './app/chat-side.js';
import { buildHttp } from './app/http.js';
import { buildPublisher, mediaStream, originOnlyPublicRoutes, webStream } from './app/stream-side.js';
import { buildMetrics } from './app/metrics.js';
import { buildReach } from './app/reach.js';
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
import { NginxInstances } from './nginx/instances.js';
import { DelayMode, hlsTiming } from './observe/delay-mode.js';
import { DelaySetting } from './storage/delay-setting.js';
import { delayRoutes } from './http/routes/admin-delay.js';
import type { LivePipeline } from './observe/live-pipeline.js';
import { openDatabase } from './storage/database.js';
import { SiteSettings } from './storage/site-settings.js';
import { StreamSessions } from './storage/stream-sessions.js';
import { StreamEvents } from './stream/stream-events.js';
import { buildLadder } from './transcode/ladder.js';

export { dataPaths } from './app/data-paths.js';
export { ensureSecrets } from './app/secrets.js';

export interface Platform {
  logger: Logger;
  /** The media pipeline; null on a web instance (ROLE=web runs no media). */
  pipeline: LivePipeline | null;
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
  const page = new PageWriter({ webRoot: config.webRoot, pageRoot: paths.pageRoot, publicUrl: config.publicUrl, site, masterUrl: `/video/${config.streamName}.m3u8` });
  page.write();
  const ladder = buildLadder(config.streamName, config.transcoder.enabled ? config.ladder : [], config.hlsBaseUrl);
  // The media nginx starts with the low-delay mode last applied; a change waits for the stream to be offline.
  const delayStore = new DelaySetting(db);
  const nginx = new NginxInstances(config, paths, callbackToken, logger, redactor, hlsTiming(delayStore.get().applied, config.hls));
  const delay: DelayMode = new DelayMode({ store: delayStore, base: config.hls, offline: (): boolean => stream.view.status().state === 'offline', apply: (t) => nginx.applyMediaTiming(t), logger });
  // The old frontend plays the absolute URLs built from PUBLIC_URL: a localhost one reaches nobody else.
  const localUrl = localPublicUrl(config.publicUrl, config.httpPort);
  if (localUrl) logger.warn({ event: 'public_url_local', publicUrl: config.publicUrl, suggestion: localUrl.suggestion }, 'PUBLIC_URL names this machine; set it to the public address');

  // Cookies are Secure when the site is served over HTTPS: PUBLIC_URL says so, or TLS is configured.
  const secureCookies = config.publicUrl.startsWith('https:') || nginx.tls;
  const chatSide = await buildChatSide({ config, db, logger, redactor, sessionSecret, secureCookies, onViewers: (n) => events.noteViewers(n, stream.view.status().state !== 'offline') });
  const { gateway, legacyGateway, chat, viewerCount } = chatSide;
  // ROLE=web: the stream is the origin's, read from Redis; otherwise this instance runs the media itself.
  const stream =
    config.role === 'web'
      ? webStream({ config, ladder, logger, chatSide, site, onSiteChange: () => page.write() })
      : mediaStream({ config, paths, ladder, logger, chatSide, timing: () => delay.timing });
  stream.live?.onChange((s) => {
    if (s.state === 'offline') void delay.applyPending();
  });
  const events = new StreamEvents({
    name: ladder.name,
    ...(stream.pipeline ? { sessions } : {}),
    status: () => stream.view.status(),
    gateway,
    legacyGateway,
    onAir: (onAir) => page.setLive(onAir),
    onSessionBegin: () => viewerCount.resetPeak(),
  });
  events.attach(stream.followed);
  stream.onRenditions(() => events.broadcastStatus());
  // A new /ws socket hears the status and the audience first, then the chat.
  gateway.onOpen((client) => {
    client.send(events.currentFrame());
    client.send({ type: 'viewers', count: viewerCount.count });
    void viewerCount.nudge();
  });
  attachChat(gateway, chat);
  const metrics = buildMetrics({ chatSide, pipeline: stream.view, nginx, ladder, token: config.metricsToken, web: config.role === 'web' });
  const reach = stream.pipeline && stream.live ? buildReach({ config, ladder, logger, redactor, db, site, pipeline: stream.pipeline, metrics, stream: stream.live, events }) : null;
  // An origin tells the web instances about every change of the stream and of the site.
  const publisher = config.role === 'origin' ? buildPublisher({ chatSide, logger, stream, session: () => events.session(), site }) : null;
  let started = false;
  const publicUrl = { url: config.publicUrl, local: localUrl !== null, suggestion: localUrl?.suggestion ?? null };
  const app = await buildHttp({
    ...{ config, logger, db, chatSide, events, ladder, auth, secrets, callbackToken, sessions, site, page, nginx, metrics, secureCookies, publicUrl },
    onSiteChange: () => publisher?.changed(),
    stream: stream.view,
    pipeline: stream.pipeline,
    session: () => (stream.pipeline ? events.session() : stream.session()),
    started: () => started,
    readiness: stream.readiness,
    adminExtensions: reach ? [reach.simulcast.adminRoutes, reach.archive.adminRoutes, (admin) => delayRoutes(admin, delay)] : [],
    publicExtensions: reach ? [reach.archive.publicRoutes] : [originOnlyPublicRoutes],
  });

  await app.listen({ host: '127.0.0.1', port: config.internalPort });
  await nginx.start();
  // Before the pipeline: a recorder a killed service left running is adopted before any state change.
  reach?.archive.start();
  await stream.start();
  publisher?.start();
  viewerCount.start();
  const stopPurge = scheduleChatPurge(chat, config.chat.retentionDays, logger);
  started = true;
  logger.info({ event: 'started', role: config.role, stream: ladder.name, httpPort: config.httpPort, rtmpPort: config.rtmpPort }, 'Casa del Padre Online started');

  let stopping: Promise<void> | undefined;
  const stopAccepting = () => {
    started = false;
    stopPurge();
  };
  return {
    logger,
    pipeline: stream.pipeline,
    auth,
    app,
    generated,
    reload: () => nginx.reload(),
    stop: () =>
      (stopping ??= shutdownInOrder({
        ...{ logger, stopAccepting, nginx, app, chatSide, db },
        // An origin withdraws its state from Redis first: the web instances show "offline" at once.
        pipeline: { stop: async () => (await publisher?.stop(), await stream.stop()) },
        copies: reach ? [reach.simulcast, reach.archive] : [],
      })),
  };
}
