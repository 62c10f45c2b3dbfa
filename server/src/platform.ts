import { X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ResolvedConfig } from './config/load.js';
import { buildApp } from './http/app.js';
import { WsGateway, WS_CLOSE } from './http/ws-gateway.js';
import { SocketQuota } from './http/socket-quota.js';
import { endModeratorSockets } from './http/moderator-sockets.js';
import { createLogger, type Logger } from './log/logger.js';
import { Redactor } from './log/redactor.js';
import { callbackRoutes } from './media/callbacks.js';
import { buildLadder } from './media/ladder.js';
import { LivePipeline } from './media/live-pipeline.js';
import { nginxPaths, renderMediaConfig, renderWebConfig, type MediaNginxModel, type WebNginxModel } from './media/nginx-config.js';
import { NginxProcess, type NginxProcessOptions } from './media/nginx-process.js';
import { commandLine, isAlive, openFilesLimit } from './process/processes.js';
import { workerUserFor } from './media/nginx-user.js';
import { MediaObserver } from './media/observer.js';
import { PublishAuth } from './media/publish-auth.js';
import { Transcoder } from './media/transcoder.js';
import { databaseWorks, openDatabase, type Db } from './storage/database.js';
import { hashPassword, newSecret, SecretsFile } from './storage/secrets-file.js';
import { StreamSessions } from './storage/stream-sessions.js';
import { SiteSettings } from './storage/site-settings.js';
import { MISSING_WEB_PAGE, renderSharePage } from './http/share-page.js';
import { ChatService } from './chat/chat-service.js';
import { ViewerCount } from './chat/viewer-count.js';
import { createChatBackend } from './chat/backend.js';
import { AdminSessions, passwordChecker } from './http/admin-sessions.js';
import { adminRoutes } from './http/admin-routes.js';
import { attachChat } from './http/chat-socket.js';
import { Identity } from './http/identity.js';
import { legacyApi, legacyCodec, legacyStreamEvents } from './http/legacy-api.js';
import { LiveStream } from './stream/live-stream.js';
import { createMetrics } from './metrics/metrics.js';
import { createArchive } from './archive/archive.js';

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

export function dataPaths(dataDir: string) {
  const nginxPrefix = path.join(dataDir, 'nginx');
  const webPrefix = path.join(dataDir, 'nginx-web');
  const media = path.join(dataDir, 'media');
  return {
    nginxPrefix,
    nginx: nginxPaths(nginxPrefix),
    webPrefix,
    web: nginxPaths(webPrefix),
    hlsRoot: path.join(media, 'hls'),
    hlsDir: path.join(media, 'hls', 'video'),
    masterRoot: path.join(media, 'master'),
    masterDir: path.join(media, 'master', 'video'),
    pageRoot: path.join(dataDir, 'www'),
  };
}

/**
 * Makes sure the installation's secrets exist. Returns the ones generated now (to be shown once) — also
 * used by the CLI so that `make start` can print them before the service starts.
 */
export function ensureSecrets(config: ResolvedConfig, redactor: Redactor) {
  const secrets = new SecretsFile(config.dataDir);
  const auth = new PublishAuth(secrets, config.streamKey, redactor);
  const generated: { streamKey?: string; adminPassword?: string } = {};
  const key = auth.ensureKey();
  if (key) generated.streamKey = key;
  redactor.add(config.adminPassword);
  let current = secrets.read();
  if (!current.adminPasswordHash && !config.adminPassword) {
    const password = newSecret(12);
    redactor.add(password);
    current = secrets.update((s) => ({ ...s, adminPasswordHash: hashPassword(password) }));
    generated.adminPassword = password;
  }
  if (!current.callbackToken) current = secrets.update((s) => ({ ...s, callbackToken: newSecret() }));
  if (!current.sessionSecret) current = secrets.update((s) => ({ ...s, sessionSecret: newSecret(32) }));
  redactor.add(current.callbackToken);
  redactor.add(config.sessionSecret);
  return { secrets, auth, generated, callbackToken: current.callbackToken!, sessionSecret: config.sessionSecret ?? current.sessionSecret! };
}

export async function startPlatform(config: ResolvedConfig): Promise<Platform> {
  const redactor = new Redactor();
  const logger = createLogger(config.logLevel, redactor);
  const p = dataPaths(config.dataDir);
  const acmeRoot = config.acmeWebroot ? path.resolve(config.acmeWebroot) : path.join(config.dataDir, 'acme');
  for (const dir of [p.nginxPrefix, p.nginx.logs, p.nginx.temp, p.webPrefix, p.web.logs, p.web.temp, p.hlsDir, p.masterDir, p.pageRoot, path.join(acmeRoot, '.well-known', 'acme-challenge')]) {
    mkdirSync(dir, { recursive: true, mode: 0o755 });
  }

  const { auth, generated, callbackToken, secrets, sessionSecret } = ensureSecrets(config, redactor);
  const db: Db = openDatabase(config.dataDir);
  const sessions = new StreamSessions(db);
  const site = new SiteSettings(db, config.site);
  // While the stream is on, the page preloads the player module alongside the app (faster first frame on
  // slow phones); while offline it does not, so the offline page stays light.
  const playerChunk = (() => {
    try {
      const f = readdirSync(path.join(config.webRoot, 'assets')).find((n) => /^hls\.light-[\w-]+\.js$/.test(n));
      return f ? `/assets/${f}` : undefined;
    } catch {
      return undefined;
    }
  })();
  let pageLive = false;
  const writePage = () => {
    const template = path.join(config.webRoot, 'index.html');
    const s = site.get();
    const html = existsSync(template)
      ? renderSharePage(readFileSync(template, 'utf8'), {
          title: `${s.churchName} — En vivo`,
          description: `Transmisión en vivo de ${s.churchName}. Mire y converse desde su teléfono.`,
          url: `${config.publicUrl}/`,
          image: `${config.publicUrl}/og.png`,
        }, pageLive && playerChunk ? [playerChunk] : [])
      : MISSING_WEB_PAGE;
    writeFileSync(path.join(p.pageRoot, 'index.html'), html);
  };
  writePage();
  const ladder = buildLadder(config.streamName, config.transcoder.enabled ? config.ladder : []);

  const workerUser = workerUserFor([config.dataDir, config.webRoot], [p.hlsDir]);
  if (workerUser && !workerUser.dropped) {
    logger.warn({ event: 'nginx_workers_root' }, 'nginx workers run as root because DATA_DIR or the web folder is not reachable by other users; use the systemd unit with a dedicated user in production');
  }
  const user = workerUser ? { user: workerUser.user, group: workerUser.group } : undefined;
  const mediaModel: MediaNginxModel = {
    prefix: p.nginxPrefix,
    rtmpModule: config.binaries.rtmpModule,
    rtmpPort: config.rtmpPort,
    statPort: config.nginxStatPort,
    internalPort: config.internalPort,
    hlsRoot: p.hlsRoot,
    callbackToken,
    fragmentSeconds: config.hls.fragmentSeconds,
    playlistSeconds: config.hls.fragmentSeconds * config.hls.playlistFragments,
    workerUser: user,
  };
  const webModel: WebNginxModel = {
    prefix: p.webPrefix,
    httpPort: config.httpPort,
    internalPort: config.internalPort,
    hlsRoot: p.hlsRoot,
    masterRoot: p.masterRoot,
    webRoot: config.webRoot,
    pageRoot: p.pageRoot,
    acmeRoot,
    tls: config.tlsCertFile && config.tlsKeyFile ? { port: config.httpsPort, certFile: path.resolve(config.tlsCertFile), keyFile: path.resolve(config.tlsKeyFile) } : undefined,
    workerUser: user,
    openFilesLimit: openFilesLimit(),
    recordingsRoot: path.join(config.dataDir, 'recordings'),
  };
  // Two nginx instances: the media one (RTMP) is never reloaded while live — nginx-rtmp would lose the
  // stream from /stat — while the web one reloads freely for a renewed certificate.
  const nginxInstance = (name: 'media' | 'web', prefix: string, ports: NginxProcessOptions['ports']) => {
    const { conf, pid } = nginxPaths(prefix);
    return new NginxProcess({ binary: config.binaries.nginx, prefix, conf, pidFile: pid, logger: logger.child({ nginx: name }), redactor, ports });
  };
  const mediaNginx = nginxInstance('media', p.nginxPrefix, [
    { port: config.rtmpPort, what: 'RTMP' },
    { port: config.nginxStatPort, host: '127.0.0.1', what: 'nginx /stat' },
  ]);
  const webNginx = nginxInstance('web', p.webPrefix, [
    { port: config.httpPort, what: 'HTTP' },
    ...(webModel.tls ? [{ port: webModel.tls.port, what: 'HTTPS' }] : []),
  ]);
  const writeConfig = (file: string, text: string): boolean => {
    const changed = !existsSync(file) || readFileSync(file, 'utf8') !== text;
    if (changed) writeFileSync(file, text, { mode: 0o600 });
    return changed;
  };

  let started = false;
  const chatBackend = await createChatBackend(config, db, logger);
  const cookieSecret = config.sessionSecret ?? (await chatBackend.sharedSecret(sessionSecret));
  redactor.add(cookieSecret);
  const adminSessions = new AdminSessions(db, config.adminSessionHours * 3600_000);
  // Cookies are Secure when the site is served over HTTPS: PUBLIC_URL says so, or TLS is configured.
  const secureCookies = config.publicUrl.startsWith('https:') || Boolean(webModel.tls);
  const identity = new Identity(cookieSecret, adminSessions, secureCookies);
  // Both endpoints count against one cap per address; a moderator socket lasts as long as its admin session.
  const sockets = {
    logger,
    identify: (req: FastifyRequest) => identity.of(req),
    maxPayload: config.chat.maxFrameBytes,
    quota: new SocketQuota(config.chat.maxSocketsPerIp),
    stillModerator: (id: string) => adminSessions.active(id),
  };
  const gateway = new WsGateway({ ...sockets, allowOverlay: true });
  const legacyGateway = new WsGateway({ ...sockets, ...legacyCodec });
  const chat = new ChatService(chatBackend.store, chatBackend.bus, config.chat, logger);
  await chat.start();
  endModeratorSockets(adminSessions, chatBackend.bus, [gateway, legacyGateway], logger);
  const viewerCount = new ViewerCount({
    presence: chatBackend.presence,
    localSessions: () => [...gateway.sessions(), ...legacyGateway.sessions()],
    logger,
    onChange: (count) => {
      gateway.broadcast({ type: 'viewers', count });
      legacyGateway.broadcast({ action: 'viewers-refresh', data: { viewers: count } });
      if (sessionId !== undefined && stream.state.state !== 'offline') sessions.notePeak(sessionId, count);
    },
  });
  const stream = new LiveStream({ renditions: ladder.all.map((r) => r.id), graceMs: config.graceSeconds * 1000 }, Date.now());
  const transcoderPidFile = path.join(config.dataDir, 'transcoder.pid');
  const transcoder = config.transcoder.enabled
    ? new Transcoder({
        ffmpeg: config.binaries.ffmpeg,
        logger: logger.child({ component: 'transcoder', stream: ladder.name }),
        onPid: (pid) => (pid ? writeFileSync(transcoderPidFile, String(pid)) : rmSync(transcoderPidFile, { force: true })),
      })
    : null;
  // A ladder left running by a killed service keeps serving the rungs: adopt it (no gap for viewers),
  // or end it if this start has no transcoder or it is not ours.
  const orphan = orphanTranscoder(transcoderPidFile, config.rtmpPort);
  if (orphan !== undefined) {
    if (transcoder) transcoder.adopt(orphan);
    else {
      process.kill(orphan, 'SIGKILL');
      logger.warn({ event: 'transcoder_orphan_killed', pid: orphan }, 'ended a transcoder left by a previous start');
    }
  }
  const observer = new MediaObserver({ statUrl: `http://127.0.0.1:${config.nginxStatPort}/stat`, hlsDir: p.hlsDir, ladder, fragmentSeconds: config.hls.fragmentSeconds });
  const pipeline = new LivePipeline({
    ladder,
    stream,
    observer,
    transcoder,
    logger,
    masterDir: p.masterDir,
    rtmpPort: config.rtmpPort,
    fragmentSeconds: config.hls.fragmentSeconds,
    preset: config.transcoder.preset,
    threads: config.transcoder.threads,
    ffmpeg: config.binaries.ffmpeg,
    ffprobe: config.binaries.ffprobe,
    viewers: () => viewerCount.count,
    onRenditionsChange: () => gateway.broadcast({ type: 'status', ...pipeline.status() }),
    storageDir: p.hlsDir,
  });

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

  // Sessions: a restart mid-stream continues the open one.
  let sessionId = sessions.open(ladder.name)?.id;
  stream.onChange((s, previous) => {
    const at = new Date(s.since);
    if ((s.state !== 'offline') !== pageLive) {
      pageLive = s.state !== 'offline';
      writePage();
    }
    if (s.state === 'starting' && sessionId === undefined) {
      sessionId = sessions.begin(ladder.name, at).id;
      viewerCount.resetPeak();
    }
    if (s.state === 'live' && sessionId !== undefined) sessions.markLive(sessionId, at);
    if (s.state === 'offline' && sessionId !== undefined) {
      sessions.end(sessionId, at);
      sessionId = undefined;
    }
    const status = pipeline.status();
    gateway.broadcast({ type: 'status', ...status });
    legacyStreamEvents(legacyGateway, previous.state, status);
    archive.onStreamChange(s, sessionId);
  });
  gateway.onOpen((client) => {
    client.send({ type: 'status', ...pipeline.status() });
    client.send({ type: 'viewers', count: viewerCount.count });
  });
  attachChat(gateway, chat);
  redactor.add(config.metricsToken);
  const metrics = createMetrics(
    {
      status: () => pipeline.status(),
      health: () => pipeline.health(),
      viewers: () => viewerCount.count,
      peak: () => viewerCount.peak,
      wsConnections: () => ({ v2: gateway.count(), legacy: legacyGateway.count() }),
      nginxUp: () => ({ media: mediaNginx.up(), web: webNginx.up() }),
      chat: () => chat.counts,
      renditionIds: ladder.all.map((r) => r.id),
    },
    { token: config.metricsToken },
  );

  const app = await buildApp({
    logger,
    gateway,
    status: () => pipeline.status(),
    health: () => pipeline.health(),
    rateLimits: config.rateLimits,
    publicRoutes: [
      (api) => {
        api.get('/v1/site', async () => ({ ...site.get(), timezone: 'America/Santiago' }));
        api.get('/v1/session', async (_req, reply) => reply.code(204).send());
      },
      archive.publicRoutes,
    ],
    readiness: () => ({ started, nginx: mediaNginx.up() && webNginx.up(), database: databaseWorks(db) }),
    plugins: [
      (a) => identity.install(a),
      (a) => metrics.routes(a),
      (a) => legacyGateway.routes(a),
      (a) => legacyApi(a, { gateway: legacyGateway, chat, ladder, publicUrl: config.publicUrl, status: () => pipeline.status(), viewers: () => viewerCount.count, rateLimits: config.rateLimits }),
      (a) =>
        adminRoutes(a, {
          sessions: adminSessions,
          checkPassword: passwordChecker(config.adminPassword, () => secrets.read().adminPasswordHash),
          chat,
          auth,
          streamSessions: sessions,
          logger,
          secureCookies,
          devices: identity.devices,
          rateLimits: config.rateLimits,
          sessionTtlSec: config.adminSessionHours * 3600,
          site,
          onSiteChange: writePage,
          overview: () => ({
            status: pipeline.status(),
            health: pipeline.health(),
            viewers: viewerCount.count,
            peak: viewerCount.peak,
            session: sessionId === undefined ? null : sessions.get(sessionId),
          }),
          healthHistory: () => pipeline.history(),
          obsServer: `rtmp://${new URL(config.publicUrl).hostname}:${config.rtmpPort}/live`,
          extensions: [archive.adminRoutes],
        }),
      (a) =>
        callbackRoutes(a, {
          auth,
          ladder,
          callbackToken,
          logger,
          onPublishStarted: () => pipeline.publishStarted(),
          onPublishDone: () => pipeline.publishDone(),
        }),
    ],
  });

  // The internal listener first: nginx calls it as soon as a publisher connects.
  await app.listen({ host: '127.0.0.1', port: config.internalPort });
  const mediaChanged = writeConfig(p.nginx.conf, renderMediaConfig(mediaModel));
  const webChanged = writeConfig(p.web.conf, renderWebConfig(webModel));
  await Promise.all([mediaNginx.test(), webNginx.test()]);
  await webNginx.start(webChanged);
  try {
    await mediaNginx.start(mediaChanged);
  } catch (err) {
    await webNginx.stop();
    throw err;
  }
  // Before the pipeline: a recorder a killed service left running is adopted before any state change.
  archive.start();
  pipeline.start();
  viewerCount.start();
  // Retention: old chat is deleted hourly (and once now).
  const purge = () =>
    chat.purgeOlderThan(config.chat.retentionDays).then(
      (n) => n > 0 && logger.info({ event: 'chat_purged', count: n }, 'old chat messages deleted'),
      (err: Error) => logger.warn({ event: 'chat_purge_failed', err: err.message }, 'chat purge failed'),
    );
  void purge();
  const purgeTimer = setInterval(() => void purge(), 3600_000);
  purgeTimer.unref();
  started = true;
  logger.info({ event: 'started', stream: ladder.name, httpPort: config.httpPort, rtmpPort: config.rtmpPort }, 'Casa del Padre Online started');

  let stopped = false;
  return {
    logger,
    pipeline,
    auth,
    app,
    generated,
    async reload() {
      // A renewed certificate or changed settings: only the web nginx reloads; streams are untouched.
      writeConfig(p.web.conf, renderWebConfig(webModel));
      await webNginx.test();
      webNginx.reload();
      logger.info({ event: 'nginx_reloaded', nginx: 'web', tls: describeCertificate(webModel.tls?.certFile) }, 'web nginx reloaded');
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      const t0 = Date.now();
      const step = (name: string) => logger.info({ event: 'shutdown_step', step: name, ms: Date.now() - t0 }, `shutdown: ${name}`);
      // 1. Stop accepting: not ready any more, the public nginx closes its listeners (requests in flight
      //    finish), the service's own listener takes no new connection.
      started = false;
      clearInterval(purgeTimer);
      viewerCount.stop();
      webNginx.quit();
      app.server.close(() => undefined);
      step('stop_accepting');
      // 2. Viewers' sockets end with "going away": the page reconnects to the next process.
      gateway.closeAll(WS_CLOSE.goingAway);
      legacyGateway.closeAll(WS_CLOSE.goingAway);
      step('websockets_closed');
      // 3. The ladder and the recorder (SIGINT, then SIGKILL).
      await Promise.all([pipeline.stop(), archive.stop()]);
      step('ffmpeg_stopped');
      // 4. nginx quits (a connected publisher makes nginx-rtmp linger: stop() escalates).
      await Promise.all([webNginx.stop(), mediaNginx.stop()]);
      step('nginx_stopped');
      // 5. The database last: chat messages in flight are committed first.
      await app.close();
      await chat.stop();
      await chatBackend.close();
      db.close();
      step('database_closed');
      logger.info({ event: 'stopped', ms: Date.now() - t0 }, 'stopped');
    },
  };
}

/** Subject and expiry of a PEM certificate, for the log after a reload; never the key. */
function describeCertificate(file: string | undefined): { subject: string; validTo: string } | undefined {
  if (!file) return undefined;
  try {
    const cert = new X509Certificate(readFileSync(file));
    return { subject: cert.subject.replace(/\n/g, ', '), validTo: new Date(cert.validTo).toISOString() };
  } catch {
    return undefined;
  }
}

/** The pid of a ladder ffmpeg a previous start left running (publishing into our hls application), if any. */
function orphanTranscoder(pidFile: string, rtmpPort: number): number | undefined {
  if (!existsSync(pidFile)) return undefined;
  const pid = Number.parseInt(readFileSync(pidFile, 'utf8'), 10);
  const cmd = pid > 1 ? commandLine(pid)?.join(' ') : undefined;
  if (cmd && isAlive(pid) && cmd.includes('ffmpeg') && cmd.includes(`rtmp://127.0.0.1:${rtmpPort}/hls/`)) return pid;
  rmSync(pidFile, { force: true });
  return undefined;
}
