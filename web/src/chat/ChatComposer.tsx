import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { useI18n } from '../i18n/I18nProvider';

export const MESSAGE_MAX = 500;

interface ComposerProps {
  nick: string;
  connected: boolean;
  /** Text the server refused, put back so the reader can fix and resend it. */
  restore: { text: string; seq: number } | null;
  onSend(text: string): boolean;
  onChangeNick(): void;
}

export function ChatComposer({ nick, connected, restore, onSend, onChangeNick }: ComposerProps) {
  const { t } = useI18n();
  const id = useId();
  const input = useRef<HTMLInputElement>(null);
  const [text, setText] = useState('');

  useEffect(() => {
    if (restore) setText((current) => current || restore.text);
  }, [restore?.seq]); // eslint-disable-line react-hooks/exhaustive-deps

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const message = text.trim();
    if (!message || !connected) return;
    if (onSend(message)) setText('');
    input.current?.focus();
  };

  return (
    <form className="chat-composer" onSubmit={submit}>
      <label className="sr-only" htmlFor={id}>
        {t.messageLabel}
      </label>
      <div className="field-row">
        <input
          ref={input}
          id={id}
          value={text}
          onChange={(e) => setText(e.currentTarget.value)}
          placeholder={connected ? t.messagePlaceholder : t.chatConnecting}
          maxLength={MESSAGE_MAX}
          autoComplete="off"
          enterKeyHint="send"
        />
        <button type="submit" className="button" disabled={!connected || text.trim() === ''}>
          {t.send}
        </button>
      </div>
      <p className="chat-identity">
        {t.writingAs} <bdi>{nick}</bdi> ·{' '}
        <button type="button" className="link-button" onClick={onChangeNick}>
          {t.changeNick}
        </button>
      </p>
    </form>
  );
}
