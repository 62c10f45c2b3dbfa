import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { newClientId } from '../../chat/useChat';
import { useI18n } from '../../i18n/I18nProvider';
import type { LiveSocket, SocketState } from '../../api/live-socket';
import { readSetting, writeSetting } from '../../common/storage';
import { localMessage } from '../api/api';

const NICK_SETTING = 'admin-nick';

/**
 * Writing in the chat as a moderator: this browser's socket carries the admin cookie, so the server marks
 * its messages with the moderator badge and lets it use reserved names ("Pastor").
 */
export function ModeratorComposer({ socket, socketState }: { socket: LiveSocket; socketState: SocketState }) {
  const { t, lang } = useI18n();
  const c = t.admin.composer;
  const id = useId();
  const [nick, setNick] = useState(() => readSetting(NICK_SETTING) ?? c.defaultNick);
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const greeted = useRef<string | null>(null);
  const pending = useRef<{ clientId: string; text: string } | null>(null);

  useEffect(() => {
    if (socketState !== 'open') greeted.current = null;
  }, [socketState]);

  useEffect(
    () =>
      socket.onMessage((m) => {
        if (m.type === 'ack' && m.clientId === pending.current?.clientId) pending.current = null;
        if (m.type !== 'error') return;
        const mine = m.clientId !== undefined && m.clientId === pending.current?.clientId;
        if (mine) {
          const refused = pending.current?.text ?? '';
          setText((current) => current || refused);
          pending.current = null;
        }
        if (mine || m.code.startsWith('nick') || m.code === 'no_nick') {
          if (!mine) greeted.current = null;
          setError(m.message ? localMessage(m.message, lang) : t.chatErrors.internal);
        }
      }),
    [socket, lang, t],
  );

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const name = nick.trim();
    const body = text.trim();
    if (!name || !body) return;
    setError(null);
    if (greeted.current !== name) {
      if (!socket.send({ type: 'hello', nick: name })) return setError(t.chatConnecting);
      greeted.current = name;
      writeSetting(NICK_SETTING, name);
    }
    const clientId = newClientId();
    if (!socket.send({ type: 'chat', text: body, clientId })) return setError(t.chatConnecting);
    pending.current = { clientId, text: body };
    setText('');
  };

  return (
    <form className="adm-composer" onSubmit={submit} aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>{c.title}</h3>
      <div className="adm-composer-fields">
        <div className="adm-field adm-composer-nick">
          <label htmlFor={`${id}-nick`}>{c.nick}</label>
          <input id={`${id}-nick`} value={nick} maxLength={24} onChange={(e) => setNick(e.currentTarget.value)} autoComplete="nickname" />
        </div>
        <div className="adm-field adm-composer-text">
          <label htmlFor={`${id}-text`}>{t.messageLabel}</label>
          <div className="field-row">
            <input id={`${id}-text`} value={text} maxLength={500} onChange={(e) => setText(e.currentTarget.value)} placeholder={t.messagePlaceholder} autoComplete="off" aria-describedby={`${id}-error`} />
            <button type="submit" className="button" disabled={socketState !== 'open' || !text.trim() || !nick.trim()}>
              {t.send}
            </button>
          </div>
        </div>
      </div>
      <p id={`${id}-error`} className="field-error" role="alert">
        {error ?? ''}
      </p>
    </form>
  );
}
