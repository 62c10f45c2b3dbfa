import { X509Certificate } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { DataPaths } from '../app/data-paths.js';
import type { ResolvedConfig } from '../config/load.js';
import type { Logger } from '../log/logger.js';
import type { Redactor } from '../log/redactor.js';
import { openFilesLimit } from '../process/processes.js';
import { legacyFrontendSite } from './legacy-frontend.js';
import { nginxPaths, renderMediaConfig, type MediaNginxModel, type WebNginxModel } from './nginx-config.js';
import { renderWebConfig } from './web-config.js';
import { NginxProcess, type NginxProcessOptions } from './nginx-process.js';
import { workerUserFor } from './nginx-user.js';

/**
 * The two nginx instances: media (RTMP, HLS writing, loopback /stat) is never reloaded while live —
 * nginx-rtmp would lose the stream from /stat — while web (pages, HLS files, the proxied API, HTTPS)
 * reloads freely for a renewed certificate or changed settings.
 */
export class NginxInstances {
  readonly media: NginxProcess;
  readonly web: NginxProcess;
  private readonly mediaModel: MediaNginxModel;
  private readonly webModel: WebNginxModel;
  /** A web instance (ROLE=web) runs no media nginx: no RTMP, no HLS writing. */
  private readonly withMedia: boolean;

  constructor(
    private readonly config: ResolvedConfig,
    private readonly p: DataPaths,
    callbackToken: string,
    private readonly logger: Logger,
    redactor: Redactor,
    /** The media side's HLS timing (the low-delay mode's), when not the configuration's. */
    hls?: { fragmentSeconds: number; playlistSeconds: number },
  ) {
    this.withMedia = config.role !== 'web';
    const workerUser = workerUserFor([config.dataDir, config.webRoot, ...(config.legacyFrontend ? [config.legacyFrontend.dir] : [])], [p.hlsDir]);
    if (workerUser && !workerUser.dropped) {
      logger.warn({ event: 'nginx_workers_root' }, 'nginx workers run as root because DATA_DIR or the web folder is not reachable by other users; use the systemd unit with a dedicated user in production');
    }
    const user = workerUser ? { user: workerUser.user, group: workerUser.group } : undefined;
    this.mediaModel = {
      prefix: p.nginxPrefix,
      rtmpModule: config.binaries.rtmpModule,
      rtmpPort: config.rtmpPort,
      statPort: config.nginxStatPort,
      internalPort: config.internalPort,
      hlsRoot: p.hlsRoot,
      callbackToken,
      fragmentSeconds: hls?.fragmentSeconds ?? config.hls.fragmentSeconds,
      playlistSeconds: hls?.playlistSeconds ?? config.hls.fragmentSeconds * config.hls.playlistFragments,
      workerUser: user,
    };
    this.webModel = {
      prefix: p.webPrefix,
      httpPort: config.httpPort,
      internalPort: config.internalPort,
      hlsRoot: p.hlsRoot,
      masterRoot: p.masterRoot,
      webRoot: config.webRoot,
      pageRoot: p.pageRoot,
      acmeRoot: p.acmeRoot,
      tls: config.tlsCertFile && config.tlsKeyFile ? { port: config.httpsPort, certFile: path.resolve(config.tlsCertFile), keyFile: path.resolve(config.tlsKeyFile) } : undefined,
      workerUser: user,
      openFilesLimit: openFilesLimit(),
      recordingsRoot: path.join(config.dataDir, 'recordings'),
      ...(config.hlsBaseUrl ? { hlsOrigin: new URL(config.hlsBaseUrl).origin } : {}),
      trustedProxies: config.trustedProxies,
    };
    const instance = (name: 'media' | 'web', prefix: string, ports: NginxProcessOptions['ports']) => {
      const { conf, pid } = nginxPaths(prefix);
      return new NginxProcess({ binary: config.binaries.nginx, prefix, conf, pidFile: pid, logger: logger.child({ nginx: name }), redactor, ports });
    };
    this.media = instance('media', p.nginxPrefix, [
      { port: config.rtmpPort, what: 'RTMP' },
      { port: config.nginxStatPort, host: '127.0.0.1', what: 'nginx /stat' },
    ]);
    this.web = instance('web', p.webPrefix, [{ port: config.httpPort, what: 'HTTP' }, ...(this.webModel.tls ? [{ port: this.webModel.tls.port, what: 'HTTPS' }] : [])]);
  }

  /** Whether the site is served over HTTPS (cookies are Secure then). */
  get tls(): boolean {
    return Boolean(this.webModel.tls);
  }

  up(): boolean {
    return (!this.withMedia || this.media.up()) && this.web.up();
  }

  /** Writes and checks both configurations, then starts (or adopts) web, then media. */
  async start(): Promise<void> {
    const webChanged = writeConfig(this.p.web.conf, this.webConfig());
    if (!this.withMedia) {
      await this.web.test();
      await this.web.start(webChanged);
      return;
    }
    const mediaChanged = writeConfig(this.p.nginx.conf, renderMediaConfig(this.mediaModel));
    await Promise.all([this.media.test(), this.web.test()]);
    await this.web.start(webChanged);
    try {
      await this.media.start(mediaChanged);
    } catch (err) {
      await this.web.stop();
      throw err;
    }
  }

  /** A renewed certificate or changed settings: only the web nginx reloads; streams are untouched. */
  async reload(): Promise<void> {
    writeConfig(this.p.web.conf, this.webConfig());
    await this.web.test();
    this.web.reload();
    this.logger.info({ event: 'nginx_reloaded', nginx: 'web', tls: describeCertificate(this.webModel.tls?.certFile) }, 'web nginx reloaded');
  }

  /**
   * New fragment and playlist lengths for the media nginx (the low-delay mode). The caller makes sure no
   * one is publishing: a reload hides a live stream from /stat.
   */
  async applyMediaTiming(t: { fragmentSeconds: number; playlistSeconds: number }): Promise<void> {
    this.mediaModel.fragmentSeconds = t.fragmentSeconds;
    this.mediaModel.playlistSeconds = t.playlistSeconds;
    if (!writeConfig(this.p.nginx.conf, renderMediaConfig(this.mediaModel))) return;
    await this.media.test();
    this.media.reload();
    this.logger.info({ event: 'nginx_reloaded', nginx: 'media', fragmentSeconds: t.fragmentSeconds }, 'media nginx reloaded with new HLS timing');
  }

  async stop(): Promise<void> {
    await Promise.all([this.web.stop(), ...(this.withMedia ? [this.media.stop()] : [])]);
  }

  /**
   * The web configuration, with the old frontend's build when configured: its inline scripts' hashes are
   * read now and on every reload (a new build dropped into the folder needs `systemctl reload`).
   */
  private webConfig(): string {
    const legacy = this.config.legacyFrontend;
    if (legacy && !existsSync(path.join(legacy.dir, 'index.html'))) {
      this.logger.warn({ event: 'legacy_frontend_missing', dir: legacy.dir }, 'LEGACY_FRONTEND_DIR has no index.html; its path will answer 404');
    }
    return renderWebConfig({ ...this.webModel, ...(legacy ? { legacyFrontend: legacyFrontendSite(legacy, this.config.publicUrl, this.config.hlsBaseUrl) } : {}) });
  }
}

/** Writes a config file only when its text changed; says whether it did. */
function writeConfig(file: string, text: string): boolean {
  const changed = !existsSync(file) || readFileSync(file, 'utf8') !== text;
  if (changed) writeFileSync(file, text, { mode: 0o600 });
  return changed;
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
