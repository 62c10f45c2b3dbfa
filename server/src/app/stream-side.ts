import type { FastifyInstance } from 'fastify';
import type { ResolvedConfig } from '../config/load.js';
import type { LivePipeline } from '../observe/live-pipeline.js';
import type { LiveStream } from '../stream/live-stream.js';
import type { FollowedStream } from '../stream/stream-events.js';
import type { DataPaths } from './data-paths.js';
import { buildMediaSide, type MediaSideOptions } from './media-side.js';
import type { Logger } from '../log/logger.js';
import type { HealthSample, IngestHealth } from '../observe/ingest-health.js';
import { StreamStateFollower, StreamStatePublisher } from '../relay/stream-relay.js';
import { SiteSchema, type SiteSettings } from '../storage/site-settings.js';
import type { StreamSession } from '../storage/stream-sessions.js';
import { RemoteStream, type StreamSnapshot } from '../stream/remote-stream.js';
import type { StreamStatus } from '../stream/status.js';
import type { Ladder } from '../transcode/ladder.js';
import type { ChatSide } from './chat-side.js';

/** What the HTTP app, the metrics and the dashboard read about the stream, whichever instance holds it. */
export interface StreamView {
  status(): StreamStatus;
  health(): IngestHealth;
  history(): HealthSample[];
}

/** The offline status of this instance's ladder (a web instance before it hears the origin). */
export function offlineStatus(ladder: Ladder, since: number): StreamStatus {
  return { state: 'offline', since: new Date(since).toISOString(), name: ladder.name, master: ladder.masterUrl, renditions: [], viewers: 0, reason: null };
}

/** The stream as the composition uses it, whatever the role. */
export interface StreamParts {
  view: StreamView;
  /** What StreamEvents follows. */
  followed: FollowedStream;
  /** The media pipeline (nginx's callbacks, the reach): null on a web instance. */
  pipeline: LivePipeline | null;
  /** The state machine itself (the recorder and simulcast follow it): null on a web instance. */
  live: LiveStream | null;
  /** The broadcast under way as the origin tells it (a web instance keeps no record of its own). */
  session(): StreamSession | null;
  /** The renditions changed while live. */
  onRenditions(listener: () => void): void;
  readiness(): Record<string, boolean>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** Redis is up, for an instance that shares state through it. */
function redisReady(chatSide: ChatSide): Record<string, boolean> {
  const shared = chatSide.backend.shared;
  return shared ? { redis: shared.redis.status === 'ready' } : {};
}

/** ROLE=all or origin: this instance runs the media (nginx-rtmp, the ladder, the observer). */
export function mediaStream(o: { config: ResolvedConfig; paths: DataPaths; ladder: Ladder; logger: Logger; chatSide: ChatSide; timing: MediaSideOptions['timing'] }): StreamParts {
  const listeners: (() => void)[] = [];
  const { stream, pipeline } = buildMediaSide({
    ...o,
    viewers: () => o.chatSide.viewerCount.count,
    onRenditionsChange: () => {
      for (const l of listeners) l();
    },
  });
  return {
    view: pipeline,
    followed: stream,
    pipeline,
    live: stream,
    session: () => null,
    onRenditions: (l) => listeners.push(l),
    readiness: () => redisReady(o.chatSide),
    start: async () => pipeline.start(),
    stop: () => pipeline.stop(),
  };
}

export interface WebStreamOptions {
  config: ResolvedConfig;
  ladder: Ladder;
  logger: Logger;
  chatSide: ChatSide;
  site: SiteSettings;
  /** The site settings changed on the origin (the page is written again). */
  onSiteChange(): void;
}

/**
 * ROLE=web: the origin's snapshots, read from Redis into a RemoteStream; the audience is this instance's
 * count (shared through Redis presence like every instance's). The origin's site settings are mirrored
 * into the local database, so every instance's pages agree. Readiness: Redis and this nginx, no RTMP.
 */
export function webStream(o: WebStreamOptions): StreamParts {
  const shared = o.chatSide.backend.shared;
  if (!shared) throw new Error('ROLE=web necesita REDIS_URL / requires REDIS_URL');
  const remote = new RemoteStream((since) => offlineStatus(o.ladder, since), Date.now(), o.config.hlsBaseUrl ?? '');
  const follower = new StreamStateFollower({ redis: shared.redis, prefix: shared.prefix, logger: o.logger, remote, onSnapshot: (s) => mirrorSite(o, s) });
  return {
    view: {
      status: () => ({ ...remote.status(), viewers: o.chatSide.viewerCount.count }),
      health: () => remote.health(),
      history: () => remote.history(),
    },
    followed: remote,
    pipeline: null,
    live: null,
    session: () => remote.session(),
    onRenditions: (l) => remote.onRenditionsChange(l),
    readiness: () => ({ redis: follower.connected() }),
    start: () => follower.start(),
    stop: () => follower.stop(),
  };
}

function mirrorSite(o: WebStreamOptions, s: StreamSnapshot): void {
  if (JSON.stringify(SiteSchema.parse(o.site.get())) === JSON.stringify(s.site)) return;
  o.site.update(s.site);
  o.onSiteChange();
  o.logger.info({ event: 'site_mirrored' }, 'site settings taken from the origin');
}

/**
 * The origin's side of the relay: its snapshot (the state, the renditions, the input's health, the
 * broadcast, the site settings), published on every change of the state or the renditions and refreshed
 * periodically; the caller announces site changes with `changed()`.
 */
export function buildPublisher(o: { chatSide: ChatSide; logger: Logger; stream: StreamParts; session(): StreamSession | null; site: SiteSettings }): StreamStatePublisher | null {
  const shared = o.chatSide.backend.shared;
  const live = o.stream.live;
  if (!shared || !live) return null;
  const { view } = o.stream;
  const publisher = new StreamStatePublisher({
    redis: shared.redis,
    prefix: shared.prefix,
    logger: o.logger,
    snapshot: () => ({ since: live.state.since, status: view.status(), health: view.health(), history: view.history(), session: o.session(), site: o.site.get() }),
  });
  live.onChange(() => publisher.changed());
  o.stream.onRenditions(() => publisher.changed());
  return publisher;
}

/** On a web instance: the archive's public routes belong to the origin (its database and files). */
export function originOnlyPublicRoutes(api: FastifyInstance): void {
  const reply = { error: 'origin_only', message: 'El archivo lo atiende el servidor de origen / the archive is served by the origin instance' };
  for (const url of ['/v1/recordings', '/v1/recordings/*', '/v1/podcast.xml']) api.get(url, async (_req, r) => r.code(503).send(reply));
}
