import type { ChatBus } from '../../chat/bus/chat-bus.js';
import type { Logger } from '../../log/logger.js';
import type { AdminSessions } from '../admin-sessions.js';
import type { WsGateway } from './gateway.js';

/**
 * A signed-out admin session stops being a moderator everywhere at once: the sign-out is published on the
 * chat bus, and every instance (this one included) demotes the sockets that session opened, on every
 * endpoint. Expiry needs no message: each gateway asks `AdminSessions.active` before a moderator's frame
 * and on every ping round.
 */
export function endModeratorSockets(sessions: AdminSessions, bus: ChatBus, gateways: Pick<WsGateway, 'demote'>[], logger: Logger): () => void {
  sessions.onEnd((session) => {
    bus.publish({ kind: 'admin-ended', session }).catch((err: Error) => logger.warn({ event: 'admin_end_publish_failed', err: err.message }, 'could not tell other instances of a sign-out'));
  });
  return bus.subscribe((e) => {
    if (e.kind !== 'admin-ended') return;
    for (const g of gateways) g.demote(e.session);
  });
}
