import { useEffect, useId, useRef } from 'react';
import { isModerator } from '../../chat/ChatMessageItem';
import { useI18n } from '../../i18n/I18nProvider';
import { formatTime } from '../format';
import { canSanction } from './moderation-state';
import type { ModeratedMessage } from '../api/types';

export type ModerationRequest =
  | { kind: 'delete' }
  | { kind: 'timeout'; minutes: number }
  | { kind: 'ban' }
  | { kind: 'pin' }
  | { kind: 'unpin' };

export const TIMEOUT_MINUTES = [5, 15, 60] as const;

interface Props {
  message: ModeratedMessage;
  pinned: boolean;
  open: boolean;
  busy: boolean;
  onToggle(): void;
  onRequest(request: ModerationRequest): void;
}

/**
 * One message with its actions folded behind "Acciones" (a phone has no room for six buttons per line).
 * The text is rendered as text, isolated with <bdi>, as on the viewer page.
 */
export function ModeratedMessageItem({ message, pinned, open, busy, onToggle, onRequest }: Props) {
  const { t } = useI18n();
  const m = t.admin.moderation;
  const panelId = useId();
  const moderator = isModerator(message.role);
  const at = new Date(message.at);
  const itemRef = useRef<HTMLLIElement>(null);
  const toggleRef = useRef<HTMLButtonElement>(null);
  const wasOpen = useRef(open);

  // When an action closes the panel, the button that had focus is gone: put focus back on this message
  // (its "Acciones" button, or the message itself once it is deleted) instead of losing it to the page.
  useEffect(() => {
    if (wasOpen.current && !open && (document.activeElement === document.body || document.activeElement === null)) {
      (toggleRef.current ?? itemRef.current)?.focus();
    }
    wasOpen.current = open;
  }, [open, message.deleted]);
  const classes = ['adm-msg', message.deleted && 'is-deleted', pinned && 'is-pinned', moderator && 'is-moderator'].filter(Boolean).join(' ');
  return (
    <li className={classes} ref={itemRef} tabIndex={-1}>
      <div className="adm-msg-line">
        <p className="adm-msg-body">
          <span className="chat-meta">
            <bdi className="chat-nick">{message.nick}</bdi>
            {moderator && <span className="chat-badge">{t.moderator}</span>}
            {!Number.isNaN(at.getTime()) && (
              <time className="chat-time" dateTime={at.toISOString()}>
                {formatTime(at, t)}
              </time>
            )}
            {pinned && <span className="adm-tag">{m.pinnedTag}</span>}
            {message.deleted && <span className="adm-tag">{m.deletedTag}</span>}
          </span>{' '}
          <bdi className="chat-text">{message.text}</bdi>
        </p>
        {!message.deleted && (
          <button ref={toggleRef} type="button" className="button button-quiet adm-small" aria-expanded={open} aria-controls={panelId} onClick={onToggle} aria-label={m.actionsFor(message.nick)}>
            {m.actions}
          </button>
        )}
      </div>
      {open && !message.deleted && (
        <div id={panelId} className="adm-msg-actions" role="group" aria-label={m.actionsFor(message.nick)}>
          <button type="button" className="button button-quiet adm-small" disabled={busy} onClick={() => onRequest({ kind: 'delete' })}>
            {m.delete}
          </button>
          <button type="button" className="button button-quiet adm-small" disabled={busy} onClick={() => onRequest({ kind: pinned ? 'unpin' : 'pin' })}>
            {pinned ? m.unpin : m.pin}
          </button>
          {canSanction(message) && (
            <>
              <span className="adm-group-label" id={`${panelId}-mute`}>
                {m.mute}
              </span>
              <span className="adm-segmented" role="group" aria-labelledby={`${panelId}-mute`}>
                {TIMEOUT_MINUTES.map((minutes) => (
                  <button key={minutes} type="button" className="button button-quiet adm-small" disabled={busy} onClick={() => onRequest({ kind: 'timeout', minutes })} aria-label={m.muteFor(minutes)}>
                    {m.minutes(minutes)}
                  </button>
                ))}
              </span>
              <button type="button" className="button button-quiet adm-small adm-danger-quiet" disabled={busy} onClick={() => onRequest({ kind: 'ban' })}>
                {m.ban}
              </button>
            </>
          )}
        </div>
      )}
    </li>
  );
}
