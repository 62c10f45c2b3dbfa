import type { ChatEvent } from '../../chat/bus/chat-bus.js';
import type { ChatService, Participant } from '../../chat/chat-service.js';
import { CHAT_ERRORS } from '../../chat/errors.js';
import { ChatFrame, HelloFrame, toPublic } from '../../chat/protocol.js';
import { errorMessage, type WsClient, type WsGateway } from './gateway.js';

/**
 * The chat on the /ws socket (new protocol): `hello` and `chat` in; `history`, `chat`, `ack`, `join`,
 * `deleted`, `banned`, `pinned`, `chat-cleared` and `error` out.
 */
export function attachChat(gateway: WsGateway, chat: ChatService): void {
  const participants = new Map<string, Participant>();
  const of = (c: WsClient) => {
    let p = participants.get(c.id);
    if (!p) {
      p = chat.participant(c.id, c.sessionId, c.ipHash, c.role);
      participants.set(c.id, p);
    }
    return p;
  };

  gateway.onOpen((client) => {
    if (!client.readOnly) of(client);
    void chat.history().then((messages) => {
      client.send({ type: 'history', messages: messages.map(toPublic) });
      const pinned = chat.currentPinned();
      client.send({ type: 'pinned', message: pinned ? toPublic(pinned) : null });
      client.send({ type: 'chat-settings', slowModeSeconds: chat.currentSettings().slowModeSeconds, role: client.role });
    });
  });
  gateway.onClose((client) => participants.delete(client.id));
  gateway.onDemote((client) => {
    const p = participants.get(client.id);
    const nickDropped = p ? chat.demote(p) : false;
    client.send({ type: 'chat-settings', slowModeSeconds: chat.currentSettings().slowModeSeconds, role: 'viewer' });
    if (nickDropped) client.send(errorMessage('nick_reserved', `${CHAT_ERRORS.nick_reserved.es} / ${CHAT_ERRORS.nick_reserved.en}`));
  });

  gateway.register({
    type: 'hello',
    schema: HelloFrame,
    async handle(client, frame) {
      const p = of(client);
      const r = await chat.hello(p, frame.nick);
      client.send(r.ok ? { type: 'welcome', nick: r.value, role: client.role } : errorMessage(r.code, r.message));
      // Entering the chat with a name is announced; a notice refused (limits, filters) only goes unsent.
      if (r.ok) await chat.announce(p);
    },
  });

  gateway.register({
    type: 'chat',
    schema: ChatFrame,
    async handle(client, frame, receivedAt) {
      const r = await chat.send(of(client), frame.text, undefined, receivedAt);
      if (r.ok) client.send({ type: 'ack', clientId: frame.clientId, id: r.value.id });
      else client.send({ ...errorMessage(r.code, r.message), clientId: frame.clientId, ...(r.retryAfterSec ? { retryAfterSec: r.retryAfterSec } : {}) });
    },
  });

  chat.onEvent((e) => fanOut(gateway, chat, e));
}

/** A chat event from the bus (this instance's or another's) to every /ws socket here. */
function fanOut(gateway: WsGateway, chat: ChatService, e: ChatEvent): void {
  switch (e.kind) {
    case 'message':
      gateway.broadcast({ type: 'chat', message: toPublic(e.message) });
      break;
    case 'join':
      gateway.broadcast({ type: 'join', nick: e.nick, at: e.at });
      break;
    case 'deleted':
      gateway.broadcast({ type: 'deleted', id: e.id });
      break;
    case 'cleared':
      gateway.broadcast({ type: 'chat-cleared' });
      break;
    case 'pinned':
      gateway.broadcast({ type: 'pinned', message: e.message ? toPublic(e.message) : null });
      break;
    case 'sanction':
      // A ban takes the author's recent messages off the OBS overlay (`banned {ids}`); other clients may
      // ignore it. The messages stay stored for the moderators.
      if (e.sanction.kind === 'ban') {
        const session = e.sanction.sessionId;
        chat.history().then(
          (messages) => {
            const ids = messages.filter((m) => m.sessionId === session).map((m) => m.id);
            if (ids.length > 0) gateway.broadcast({ type: 'banned', ids });
          },
          // The ban itself is in force; only the overlay's clean-up of the author's lines is missed.
          () => {},
        );
      }
      break;
    case 'settings':
      gateway.broadcast({ type: 'chat-settings', slowModeSeconds: e.settings.slowModeSeconds });
      break;
    default:
      break;
  }
}
