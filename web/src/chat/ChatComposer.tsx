import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { useI18n } from '../i18n/I18nProvider';

export const MESSAGE_MAX = 500;
/** The counter appears once a message gets long enough for the limit to matter. */
const COUNTER_FROM = 400;

interface ComposerProps {
  nick: string;
  connected: boolean;
  /** Text the server refused, put back so the reader can fix and resend it. */
  restore: { text: string; seq: number } | null;
  /** The chat's slow mode for this reader (0: off, or a moderator). */
  slowModeSeconds: number;
  /** When this browser's last accepted message was sent: slow mode counts from it. */
  lastAcceptedAt: number | null;
  onSend(text: string): boolean;
  onChangeNick(): void;
}

/** Characters as the server counts them (code points, so an emoji is one). */
export const countChars = (text: string) => [...text.trim()].length;

/** Seconds left before slow mode lets this reader write again (0: now). */
export function slowModeWait(slowModeSeconds: number, lastAcceptedAt: number | null, now: number): number {
  if (slowModeSeconds <= 0 || lastAcceptedAt === null) return 0;
  return Math.max(0, Math.ceil((lastAcceptedAt + slowModeSeconds * 1000 - now) / 1000));
}

export function ChatComposer({ nick, connected, restore, slowModeSeconds, lastAcceptedAt, onSend, onChangeNick }: ComposerProps) {
  const { t } = useI18n();
  const id = useId();
  const hintId = useId();
  const input = useRef<HTMLInputElement>(null);
  const [text, setText] = useState('');
  const wait = useSlowModeWait(slowModeSeconds, lastAcceptedAt);
  const length = countChars(text);
  const tooLong = length > MESSAGE_MAX;

  useEffect(() => {
    if (restore) setText((current) => current || restore.text);
  }, [restore?.seq]); // eslint-disable-line react-hooks/exhaustive-deps

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const message = text.trim();
    // Refused here, with the text kept, rather than cut or sent to fail.
    if (!message || !connected || tooLong || wait > 0) return;
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
          aria-describedby={hintId}
          aria-invalid={tooLong || undefined}
          autoComplete="off"
          enterKeyHint="send"
        />
        <button type="submit" className="button" disabled={!connected || text.trim() === '' || tooLong || wait > 0}>
          {t.send}
        </button>
      </div>
      {/* Not a live region: a countdown read aloud every second would drown the chat. */}
      <div id={hintId} className="chat-composer-hints">
        {slowModeSeconds > 0 && (
          <p className="chat-slow-mode">{wait > 0 ? t.slowModeWait(slowModeSeconds, wait) : t.slowModeOn(slowModeSeconds)}</p>
        )}
        {(tooLong || length >= COUNTER_FROM) && (
          <p className={`chat-counter${tooLong ? ' is-over' : ''}`}>{tooLong ? t.tooLongCount(length, MESSAGE_MAX) : t.charCount(length, MESSAGE_MAX)}</p>
        )}
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

/** The slow-mode countdown, ticking once a second while there is something to wait for. */
function useSlowModeWait(slowModeSeconds: number, lastAcceptedAt: number | null): number {
  const [now, setNow] = useState(() => Date.now());
  const wait = slowModeWait(slowModeSeconds, lastAcceptedAt, now);
  useEffect(() => {
    setNow(Date.now());
    if (slowModeWait(slowModeSeconds, lastAcceptedAt, Date.now()) === 0) return;
    const timer = setInterval(() => setNow(Date.now()), 500);
    return () => clearInterval(timer);
  }, [slowModeSeconds, lastAcceptedAt]);
  return wait;
}
