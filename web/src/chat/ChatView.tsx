import { useI18n } from '../i18n/I18nProvider';
import type { ChatState } from './chat-state';
import { ChatComposer } from './ChatComposer';
import { ChatList } from './ChatList';
import { ChatMessageItem } from './ChatMessageItem';
import { chatErrorText } from './error-text';
import { NickForm } from './NickForm';

export interface ChatViewProps {
  state: ChatState;
  nick: string | null;
  /** Offered in the name field when asking again. */
  lastNick?: string;
  nickError: string | null;
  connected: boolean;
  timeZone: string;
  onNick(nick: string | null): void;
  onSend(text: string): boolean;
  onDismissError(seq: number): void;
}

/** The chat as the reader sees it; all behaviour comes in through props (see ChatPanel). */
export function ChatView({ state, nick, lastNick = '', nickError, connected, timeZone, onNick, onSend, onDismissError }: ChatViewProps) {
  const { t } = useI18n();
  // The newest refusal whose text can go back into the box (when the reader has not typed something else).
  const restorable = [...state.errors].reverse().find((e) => e.refusedText);
  return (
    <section className="chat" aria-labelledby="chat-title">
      <h2 id="chat-title" className="chat-title">
        {t.chatTitle}
      </h2>
      {state.pinned && (
        <div className="chat-pinned">
          <p className="chat-pinned-label">{t.pinned}</p>
          <ChatMessageItem as="div" message={state.pinned} own={state.ownIds.has(state.pinned.id)} timeZone={timeZone} />
        </div>
      )}
      {state.cleared && state.messages.length === 0 && <p className="chat-notice">{t.chatCleared}</p>}
      <ChatList messages={state.messages} ownIds={state.ownIds} timeZone={timeZone} />
      {state.errors.length > 0 && (
        <ul className="chat-errors" role="alert">
          {state.errors.map((error) => (
            <li className="chat-error" key={error.seq}>
              <span>
                {chatErrorText(error.code, error.message, t)}
                {error.refusedText && <q className="chat-error-text">{error.refusedText}</q>}
              </span>
              <button type="button" className="link-button" onClick={() => onDismissError(error.seq)}>
                {t.dismiss}
              </button>
            </li>
          ))}
        </ul>
      )}
      {nick ? (
        <ChatComposer
          nick={nick}
          connected={connected}
          restore={restorable?.refusedText ? { text: restorable.refusedText, seq: restorable.seq } : null}
          slowModeSeconds={state.moderator ? 0 : state.slowModeSeconds}
          lastAcceptedAt={state.lastAcceptedAt}
          onSend={onSend}
          onChangeNick={() => onNick(null)}
        />
      ) : (
        <NickForm initial={lastNick} error={nickError ? chatErrorText(nickError, '', t) : null} onSubmit={onNick} />
      )}
    </section>
  );
}
