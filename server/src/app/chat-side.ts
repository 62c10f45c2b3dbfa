import type { FastifyRequest } from 'fastify';
import type { LegacyServerFrame } from '../../../contract/ws.js';
import { createChatBackend } from '../chat/backend.js';
import { ChatService } from '../chat/chat-service.js';
import { ViewerCount } from '../chat/viewer-count.js';
import type { ResolvedConfig } from '../config/load.js';
import { AdminSessions } from '../http/admin-sessions.js';
import { RedisAdminSessionStore, RedisSignInAttempts } from '../http/admin-store/redis-admin-store.js';
import { MemorySignInAttempts, SqliteAdminSessionStore } from '../http/admin-store/sqlite-admin-store.js';
import { OriginPolicy, socketOriginGuard } from '../http/cross-origin.js';
import { Identity } from '../http/identity.js';
import { legacyCodec } from '../http/routes/legacy.js';
import { WsGateway } from '../http/ws/gateway.js';
import { endModeratorSockets } from '../http/ws/moderator-sockets.js';
import { SocketQuota } from '../http/ws/socket-quota.js';
import type { Logger } from '../log/logger.js';
import type { Redactor } from '../log/redactor.js';
import type { Db } from '../storage/database.js';

export interface ChatSideOptions {
  config: ResolvedConfig;
  db: Db;
  logger: Logger;
  redactor: Redactor;
  /** The locally generated cookie secret (instances agree on one through Redis). */
  sessionSecret: string;
  /** Cookies are Secure: the site is served over HTTPS. */
  secureCookies: boolean;
  /** The audience changed (at most a few times a second). */
  onViewers(count: number): void;
}

/**
 * The chat side: its backend (SQLite and in-process, or Redis), who is who (viewer cookies, admin
 * sessions), both sockets — /ws and the old frontend's /v1/websocket, one cap per address and one Origin
 * rule — the chat service and the viewer count.
 */
export async function buildChatSide(o: ChatSideOptions) {
  const { config, db, logger } = o;
  const backend = await createChatBackend(config, db, logger);
  const cookieSecret = config.sessionSecret ?? (await backend.sharedSecret(o.sessionSecret));
  o.redactor.add(cookieSecret);
  // With Redis, a sign-in holds on every instance and wrong passwords count wherever they were tried.
  const shared = backend.shared;
  const adminSessions = new AdminSessions(shared ? new RedisAdminSessionStore(shared.redis, shared.prefix) : new SqliteAdminSessionStore(db), config.adminSessionHours * 3600_000);
  const signInAttempts = shared ? new RedisSignInAttempts(shared.redis, shared.prefix) : new MemorySignInAttempts();
  const identity = new Identity(cookieSecret, adminSessions, o.secureCookies);
  // CORS_ORIGINS read the public API; the sockets also take pages of the site itself.
  const origins = new OriginPolicy(config.cors.origins, [new URL(config.publicUrl).origin]);
  // Both endpoints count against one cap per address; a moderator socket lasts as long as its admin session.
  const sockets = {
    logger,
    identify: (req: FastifyRequest) => identity.of(req),
    maxPayload: config.chat.maxFrameBytes,
    quota: new SocketQuota(config.chat.maxSocketsPerIp),
    stillModerator: (id: string) => adminSessions.active(id),
  };
  const batching = { tickMs: config.chat.batchMs, framesPerSecond: config.chat.fanoutFramesPerSecond };
  const gateway = new WsGateway({ ...sockets, allowOverlay: true, batching, beforeUpgrade: socketOriginGuard(origins, logger, '/ws') });
  const legacyGateway = new WsGateway<LegacyServerFrame>({ ...sockets, ...legacyCodec, beforeUpgrade: socketOriginGuard(origins, logger, legacyCodec.path) });
  const chat = new ChatService(backend.store, backend.bus, config.chat, logger);
  await chat.start();
  endModeratorSockets(adminSessions, backend.bus, [gateway, legacyGateway], logger);
  const viewerCount = new ViewerCount({
    presence: backend.presence,
    // Across instances, every 1 s (a session counts for three intervals): the viewers of an instance that
    // died stop counting within ~4 s. One instance forgets a closed session at once, so 2 s is enough.
    intervalMs: backend.shared ? 1000 : 2000,
    localSessions: () => [...gateway.sessions(), ...legacyGateway.sessions()],
    logger,
    onChange: (count) => {
      gateway.broadcast({ type: 'viewers', count });
      legacyGateway.broadcast({ action: 'viewers-refresh', data: { viewers: count } });
      o.onViewers(count);
    },
  });
  // Everyone learns the new audience soon after a socket opens or closes (not at the next 2 s tick).
  for (const g of [gateway, legacyGateway]) g.onClose(() => void viewerCount.nudge());
  return { backend, adminSessions, signInAttempts, identity, origins, gateway, legacyGateway, chat, viewerCount };
}

export type ChatSide = Awaited<ReturnType<typeof buildChatSide>>;
