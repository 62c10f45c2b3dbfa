import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { ChatService, Participant } from '../../chat/chat-service.js';
import { LegacyChatData, toLegacy, type ChatMessage } from '../../chat/protocol.js';
import type { Ladder } from '../../transcode/ladder.js';
import type { StreamStatus } from '../../stream/status.js';
import type { WsErrorCode } from '../../../../contract/errors.js';
import type { LegacyServerFrame } from '../../../../contract/ws.js';
import type { WsClient, WsGateway } from '../ws/gateway.js';

const LegacyEnvelope = z.object({ action: z.string().min(1).max(64), data: z.unknown().optional() }).loose();

/** Gateway options for the legacy socket: frames are `{action, data}`. */
export const legacyCodec = {
  path: '/v1/websocket',
  decode: (frame: Record<string, unknown>) => {
    const e = LegacyEnvelope.safeParse(frame);
    return e.success ? { type: e.data.action, body: e.data.data ?? {} } : null;
  },
  encodeError: (code: WsErrorCode, message: string): LegacyServerFrame => ({ action: 'error', data: { code, message } }),
};

export interface LegacyDeps {
  gateway: WsGateway<LegacyServerFrame>;
  chat: ChatService;
  ladder: Ladder;
  publicUrl: string;
  status(): StreamStatus;
  viewers(): number;
  /** Recounts now (a socket opened); resolves with the count, which includes that socket. */
  recount(): Promise<number>;
}

/** The first backend's idea of "online": the stream has been announced and not yet ended. */
export const legacyOnline = (s: StreamStatus) => s.state === 'live' || s.state === 'reconnecting';

const senderOf = (v: string | number | undefined) => {
  const s = v === undefined ? '' : String(v);
  return /^[A-Za-z0-9_.:@-]{1,64}$/.test(s) ? s : undefined;
};

/**
 * The church's existing React frontend, unchanged: `GET /v1/streaming`, `GET /v1/streaming/online` and the
 * `/v1/websocket` socket. Its messages are the same stored messages as the new chat's, seen through the
 * old shape, under the same rules.
 */
export function legacyApi(app: FastifyInstance, d: LegacyDeps): void {
  // Playlists are absolute already when HLS is served from elsewhere (HLS_BASE_URL).
  const url = (path: string) => (/^https?:\/\//.test(path) ? path : `${d.publicUrl}${path}`);
  const byId = new Map(d.ladder.all.map((r) => [r.id, r]));
  const streams = () => {
    const out: Record<string, string> = {};
    const pairs: [string, string][] = [['720p', 'source'], ['480p', 'mid'], ['240p', 'low']];
    for (const [label, id] of pairs) {
      const r = byId.get(id);
      if (r) out[label] = url(r.url);
    }
    return out;
  };

  // Its REST routes, in the public read scope: CORS for CORS_ORIGINS, the public rate limit.
  app.get('/v1/streaming', async () => {
    const status = d.status();
    const history = await d.chat.history();
    return { online: legacyOnline(status), streams: streams(), chat: history.map((m) => toLegacy(m)), viewers: d.viewers() };
  });

  app.get('/v1/streaming/online', async () => ({ online: legacyOnline(d.status()), stream_url: url(d.ladder.masterUrl) }));

  const participants = new Map<string, Participant>();
  const of = (c: WsClient<LegacyServerFrame>) => {
    let p = participants.get(c.id);
    if (!p) {
      p = d.chat.participant(c.id, c.sessionId, c.ipHash, c.role);
      participants.set(c.id, p);
    }
    return p;
  };
  d.gateway.onClose((c) => participants.delete(c.id));
  d.gateway.onDemote((c) => {
    const p = participants.get(c.id);
    if (p) d.chat.demote(p);
  });

  // The first backend told a new socket the audience at once; a change reaches everyone through the
  // count's own broadcast, so the new socket is told here only when the count did not change.
  d.gateway.onOpen((c) => {
    const before = d.viewers();
    void d.recount().then((viewers) => {
      if (viewers === before) c.send({ action: 'viewers-refresh', data: { viewers } });
    });
  });

  d.gateway.register({
    type: 'chat-message',
    schema: LegacyChatData,
    async handle(client, data, receivedAt) {
      const p = of(client);
      const sender = senderOf(data.sendedBy);
      const r = data.identify
        ? await d.chat.joinNotice(p, data.username, sender)
        : await d.chat.send(p, data.message, { nick: data.username, sender, showTimestamp: data.showTimestamp }, receivedAt);
      if (!r.ok) client.send(legacyCodec.encodeError(r.code, r.message));
    },
  });

  d.chat.onEvent((e) => {
    if (e.kind === 'message') d.gateway.broadcast({ action: 'chat-message', data: toLegacy(e.message) });
    if (e.kind === 'join') {
      const notice: ChatMessage = { id: `join-${Date.parse(e.at).toString(36)}`, nick: e.nick, text: `${e.nick} esta viendo`, at: e.at, role: 'system', sessionId: '', ipHash: '', ...(e.legacySender ? { legacySender: e.legacySender } : {}) };
      d.gateway.broadcast({ action: 'chat-message', data: toLegacy(notice, true) });
    }
    // Deletions have no legacy action: the old frontend drops them on its next history load.
    if (e.kind === 'deleted') d.gateway.broadcast({ action: 'chat-deleted', data: { id: e.id } });
  });
}

/** Tells legacy clients when the stream starts and ends, as the first backend did. */
export function legacyStreamEvents(gateway: WsGateway<LegacyServerFrame>, previous: StreamStatus['state'], next: StreamStatus): void {
  const was = previous === 'live' || previous === 'reconnecting';
  const is = legacyOnline(next);
  if (!was && is) gateway.broadcast({ action: 'stream-started', data: {} });
  if (was && !is) gateway.broadcast({ action: 'stream-ended', data: {} });
}
