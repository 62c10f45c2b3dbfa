import type { FastifyInstance } from 'fastify';
import { WS_CLOSE } from '../http/ws/gateway.js';
import type { Logger } from '../log/logger.js';
import type { NginxInstances } from '../nginx/instances.js';
import type { Db } from '../storage/database.js';
import type { ChatSide } from './chat-side.js';

export interface ShutdownParts {
  logger: Logger;
  /** Not ready any more, timers stopped. */
  stopAccepting(): void;
  nginx: NginxInstances;
  app: FastifyInstance;
  chatSide: ChatSide;
  /** The stream's side: the ladder and the observer (origin), or the relay from Redis (web). */
  pipeline: { stop(): Promise<void> };
  /** The other supervised ffmpeg copies (simulcast destinations, the recorder). */
  copies: { stop(): Promise<void> }[];
  db: Db;
}

/**
 * The ordered stop (SIGTERM, `systemctl stop`), each step logged: stop accepting, close the sockets with
 * "going away" (pages reconnect to the next process), stop ffmpeg, nginx quits, the database last.
 */
export async function shutdownInOrder(s: ShutdownParts): Promise<void> {
  const t0 = Date.now();
  const step = (name: string) => s.logger.info({ event: 'shutdown_step', step: name, ms: Date.now() - t0 }, `shutdown: ${name}`);
  // 1. Stop accepting: not ready any more, the public nginx closes its listeners (requests in flight
  //    finish), the service's own listener takes no new connection.
  s.stopAccepting();
  s.chatSide.viewerCount.stop();
  s.nginx.web.quit();
  s.app.server.close(() => undefined);
  step('stop_accepting');
  // 2. Viewers' sockets end with "going away": the page reconnects to the next process.
  s.chatSide.gateway.closeAll(WS_CLOSE.goingAway);
  s.chatSide.legacyGateway.closeAll(WS_CLOSE.goingAway);
  step('websockets_closed');
  // 3. The ladder and the copies (SIGINT, then SIGKILL); an origin withdraws its state from Redis.
  await Promise.all([s.pipeline.stop(), ...s.copies.map((c) => c.stop())]);
  step('ffmpeg_stopped');
  // 4. nginx quits (a connected publisher makes nginx-rtmp linger: stop() escalates).
  await s.nginx.stop();
  step('nginx_stopped');
  // 5. The database last: chat messages in flight are committed first.
  await s.app.close();
  await s.chatSide.chat.stop();
  await s.chatSide.backend.close();
  s.db.close();
  step('database_closed');
  s.logger.info({ event: 'stopped', ms: Date.now() - t0 }, 'stopped');
}
