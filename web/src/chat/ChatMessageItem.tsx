import { formatClockTime } from '../i18n/format';
import { useI18n } from '../i18n/I18nProvider';
import type { ChatMessage } from '../api/messages';

export function isModerator(role: string): boolean {
  return role === 'moderator' || role === 'admin';
}

/**
 * One chat message, always as text (React escapes it; nothing here sets HTML). Nick and text are each a <bdi>
 * so right-to-left or override characters inside them cannot reorder the rest of the line.
 */
export function ChatMessageItem({ message, own, timeZone, as: Tag = 'li' }: { message: ChatMessage; own: boolean; timeZone: string; as?: 'li' | 'div' }) {
  const { t } = useI18n();
  if (message.kind === 'join') {
    return (
      <Tag className="chat-join">
        <bdi className="chat-nick">{message.nick}</bdi> {t.isWatching}
      </Tag>
    );
  }
  const moderator = isModerator(message.role);
  const at = new Date(message.at);
  const classes = ['chat-message', own && 'is-own', moderator && 'is-moderator'].filter(Boolean).join(' ');
  return (
    <Tag className={classes}>
      <span className="chat-meta">
        <bdi className="chat-nick">{message.nick}</bdi>
        {moderator && <span className="chat-badge">{t.moderator}</span>}
        {own && <span className="chat-own">({t.you})</span>}
        {!Number.isNaN(at.getTime()) && (
          <time className="chat-time" dateTime={at.toISOString()}>
            {formatClockTime(at, t, timeZone)}
          </time>
        )}
      </span>{' '}
      <bdi className="chat-text">{message.text}</bdi>
    </Tag>
  );
}
