import { useState } from 'react';
import type { LiveSocket, SocketState } from '../../api/live-socket';
import { useI18n } from '../../i18n/I18nProvider';
import type { AdminClient } from '../api/api';
import { ConfirmDialog } from '../ConfirmDialog';
import { errorText } from '../api/error-text';
import { ModeratedMessageItem, type ModerationRequest } from './ModeratedMessageItem';
import { newestFirst } from './moderation-state';
import { ModeratorComposer } from './ModeratorComposer';
import type { ModeratedMessage } from '../api/types';
import { useModeration } from './useModeration';

interface Props {
  client: AdminClient;
  socket: LiveSocket;
  socketState: SocketState;
  /** A sanction was added: the sanctions list should reload. */
  onSanctioned(): void;
}

type Feedback = { ok: boolean; text: string } | null;

/** The live chat with a moderator's actions per message, the pinned message, and "Vaciar chat". */

/** How long an address-wide block lasts when the moderator asks for one: enough to stop a comeback, short for CGNAT. */
const ADDRESS_BLOCK_MINUTES = 30;

export function ChatModeration({ client, socket, socketState, onSanctioned }: Props) {
  const { t, lang } = useI18n();
  const m = t.admin.moderation;
  const { state, dispatch, loadError } = useModeration(client, socket);
  const [openId, setOpenId] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [feedback, setFeedback] = useState<Feedback>(null);
  const [confirmBan, setConfirmBan] = useState<ModeratedMessage | null>(null);
  const [confirmClear, setConfirmClear] = useState(false);
  const [banAddress, setBanAddress] = useState(false);

  const run = async (work: () => Promise<string>) => {
    setBusy(true);
    try {
      setFeedback({ ok: true, text: await work() });
      setOpenId(null);
    } catch (err) {
      setFeedback({ ok: false, text: errorText(err, t, lang) });
    } finally {
      setBusy(false);
    }
  };

  const perform = (message: ModeratedMessage, request: ModerationRequest) => {
    if (request.kind === 'ban') {
      setConfirmBan(message);
      return;
    }
    void run(async () => {
      switch (request.kind) {
        case 'delete':
          await client.deleteMessage(message.id);
          dispatch({ type: 'server', message: { type: 'deleted', id: message.id } });
          return m.deleted;
        case 'timeout':
          await client.sanction(message.id, request.minutes);
          onSanctioned();
          return m.muted(message.nick, request.minutes);
        case 'pin':
          await client.pin(message.id);
          dispatch({ type: 'server', message: { type: 'pinned', message } });
          return m.pinnedOk;
        case 'unpin':
          await client.pin(null);
          dispatch({ type: 'server', message: { type: 'pinned', message: null } });
          return m.unpinnedOk;
      }
    });
  };

  const ban = (message: ModeratedMessage) =>
    void run(async () => {
      await client.sanction(message.id, undefined, banAddress ? ADDRESS_BLOCK_MINUTES : undefined);
      onSanctioned();
      return m.banned(message.nick);
    }).finally(() => {
      setConfirmBan(null);
      setBanAddress(false);
    });

  const clear = () =>
    void run(async () => {
      await client.clearChat();
      dispatch({ type: 'server', message: { type: 'chat-cleared' } });
      return m.clearedOk;
    }).finally(() => setConfirmClear(false));

  const unpin = () =>
    void run(async () => {
      await client.pin(null);
      dispatch({ type: 'server', message: { type: 'pinned', message: null } });
      return m.unpinnedOk;
    });

  const messages = newestFirst(state.messages);
  const visible = state.messages.filter((x) => !x.deleted).length;

  return (
    <section className="adm-card" id="chat" aria-labelledby="chat-title">
      <div className="adm-card-head">
        <h2 id="chat-title">{t.chatTitle}</h2>
        <span className="field-hint">{m.count(visible)}</span>
      </div>
      {socketState !== 'open' && <p className="field-hint">{t.chatConnecting}</p>}
      <p className={feedback?.ok === false ? 'field-error' : 'adm-feedback-line'} role={feedback?.ok === false ? 'alert' : 'status'}>
        {feedback?.text ?? ''}
      </p>
      {state.pinned && (
        <div className="adm-pinned">
          <p>
            <span className="adm-tag">{t.pinned}</span> <bdi className="chat-nick">{state.pinned.nick}</bdi>: <bdi>{state.pinned.text}</bdi>
          </p>
          <button type="button" className="button button-quiet adm-small" onClick={unpin} disabled={busy}>
            {m.unpin}
          </button>
        </div>
      )}
      {loadError !== null && !state.loaded ? (
        <p className="field-error" role="alert">
          {errorText(loadError, t, lang)}
        </p>
      ) : messages.length === 0 ? (
        <p className="field-hint">{state.loaded ? m.empty : t.loading}</p>
      ) : (
        <ol className="adm-msg-list" aria-label={m.listLabel}>
          {messages.map((message) => (
            <ModeratedMessageItem
              key={message.id}
              message={message}
              pinned={state.pinnedId === message.id}
              open={openId === message.id}
              busy={busy}
              onToggle={() => setOpenId((id) => (id === message.id ? null : message.id))}
              onRequest={(request) => perform(message, request)}
            />
          ))}
        </ol>
      )}
      <ModeratorComposer socket={socket} socketState={socketState} />
      <div className="adm-actions adm-actions-end">
        <button type="button" className="button button-quiet adm-danger-quiet" onClick={() => setConfirmClear(true)} disabled={busy || visible === 0}>
          {m.clear}
        </button>
      </div>
      <ConfirmDialog open={confirmBan !== null} title={m.banTitle(confirmBan?.nick ?? '')} confirmLabel={m.ban} busy={busy} onConfirm={() => confirmBan && ban(confirmBan)} onCancel={() => setConfirmBan(null)}>
        <p>{m.banBody}</p>
        <label className="adm-check">
          <input type="checkbox" checked={banAddress} onChange={(e) => setBanAddress(e.currentTarget.checked)} disabled={busy} />
          <span>
            {m.banAddress(ADDRESS_BLOCK_MINUTES)}
            <small className="adm-check-hint">{m.banAddressHint}</small>
          </span>
        </label>
      </ConfirmDialog>
      <ConfirmDialog open={confirmClear} title={m.clearTitle} confirmLabel={m.clear} busy={busy} onConfirm={clear} onCancel={() => setConfirmClear(false)}>
        <p>{m.clearBody}</p>
      </ConfirmDialog>
    </section>
  );
}
