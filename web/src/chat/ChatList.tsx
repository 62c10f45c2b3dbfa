import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import { useI18n } from '../i18n/I18nProvider';
import type { ChatMessage } from '../api/messages';
import { ChatMessageItem } from './ChatMessageItem';

/** Within this many pixels of the bottom counts as "reading the latest". */
const NEAR_BOTTOM_PX = 48;

/**
 * The message log. It follows new messages while the reader is at the bottom; once they scroll up it stays
 * put and offers a button to jump to what arrived since.
 */
export function ChatList({ messages, ownIds, timeZone }: { messages: ChatMessage[]; ownIds: ReadonlySet<string>; timeZone: string }) {
  const { t } = useI18n();
  const scroller = useRef<HTMLDivElement>(null);
  const following = useRef(true);
  const seen = useRef<string | undefined>(undefined);
  const [unseen, setUnseen] = useState(0);

  const last = messages[messages.length - 1]?.id;

  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el || last === seen.current) return;
    const previous = seen.current;
    seen.current = last;
    if (following.current) {
      el.scrollTop = el.scrollHeight;
      return;
    }
    const from = previous === undefined ? -1 : messages.findIndex((m) => m.id === previous);
    setUnseen((n) => n + (from < 0 ? messages.length : messages.length - 1 - from));
  }, [last, messages]);

  useEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const onScroll = () => {
      following.current = el.scrollHeight - el.scrollTop - el.clientHeight < NEAR_BOTTOM_PX;
      if (following.current) setUnseen(0);
    };
    el.addEventListener('scroll', onScroll, { passive: true });
    return () => el.removeEventListener('scroll', onScroll);
  }, []);

  const jump = () => {
    const el = scroller.current;
    if (!el) return;
    following.current = true;
    el.scrollTop = el.scrollHeight;
    setUnseen(0);
  };

  return (
    <div className="chat-log-wrap">
      <div className="chat-log" ref={scroller} role="log" aria-live="polite" aria-relevant="additions" aria-label={t.chatTitle} tabIndex={0}>
        {messages.length === 0 ? (
          <p className="chat-empty">{t.chatEmpty}</p>
        ) : (
          <ul className="chat-messages">
            {messages.map((m) => (
              <ChatMessageItem key={m.id} message={m} own={ownIds.has(m.id)} timeZone={timeZone} />
            ))}
          </ul>
        )}
      </div>
      {unseen > 0 && (
        <button type="button" className="chat-jump" onClick={jump}>
          {t.newMessages(unseen)} ↓
        </button>
      )}
    </div>
  );
}
