import type { ChatMessage } from '../api/messages';
import type { OverlayOptions } from './overlay-options';

/** What the overlay's socket may say (the chat frames of /ws, plus join notices and a ban's removals). */
export type OverlayFrame =
  | { type: 'history'; messages: ChatMessage[] }
  | { type: 'chat'; message: ChatMessage }
  | { type: 'deleted'; id: string }
  | { type: 'banned'; ids: string[] }
  | { type: 'chat-cleared' }
  | { type: 'pinned'; message: ChatMessage | null }
  | { type: 'join'; nick: string; at: string };

/** One line on the broadcast. */
export interface OverlayLine {
  /** React key: the message id, or `join:N` for a join notice. */
  key: string;
  kind: 'chat' | 'join';
  nick: string;
  text: string;
  /** When it leaves (epoch ms, this page's clock); null = only when pushed out. */
  leavesAt: number | null;
  /** When it came on screen (for the fade-out's timing). */
  shownAt: number;
}

export interface OverlayState {
  lines: OverlayLine[];
  pinned: ChatMessage | null;
  /** Counter for join notices' keys. */
  seq: number;
}

export type OverlayAction = { type: 'frame'; frame: OverlayFrame; now: number } | { type: 'tick'; now: number };

export const initialOverlayState = (): OverlayState => ({ lines: [], pinned: null, seq: 0 });

/** Keeps the newest `max`: the state never holds more lines than the page shows. */
const newest = (lines: OverlayLine[], max: number) => (lines.length > max ? lines.slice(lines.length - max) : lines);

const line = (m: ChatMessage, leavesAt: number | null, now: number): OverlayLine => ({ key: m.id, kind: 'chat', nick: m.nick, text: m.text, leavesAt, shownAt: now });

/**
 * The overlay's reducer for the given options. Pure: the time comes in with each action. History shows
 * only what is still young enough to be on screen (a reconnect must not replay old greetings on the
 * broadcast); a message's own time can only shorten its stay, so a page clock behind the server's does not
 * keep it longer.
 */
export function overlayReducer(o: OverlayOptions) {
  const life = o.fade * 1000;
  return (s: OverlayState, a: OverlayAction): OverlayState => {
    if (a.type === 'tick') {
      const lines = s.lines.filter((l) => l.leavesAt === null || l.leavesAt > a.now);
      return lines.length === s.lines.length ? s : { ...s, lines };
    }
    const { frame, now } = a;
    switch (frame.type) {
      case 'history': {
        const fresh: OverlayLine[] = [];
        for (const m of frame.messages) {
          if (life === 0) {
            fresh.push(line(m, null, now));
            continue;
          }
          const at = typeof m.at === 'number' ? m.at : Date.parse(m.at);
          const leavesAt = Math.min(now + life, Number.isFinite(at) ? at + life : now + life);
          if (leavesAt > now) fresh.push(line(m, leavesAt, now));
        }
        return { ...s, lines: newest(fresh, o.max) };
      }
      case 'chat':
        if (s.lines.some((l) => l.key === frame.message.id)) return s;
        return { ...s, lines: newest([...s.lines, line(frame.message, life === 0 ? null : now + life, now)], o.max) };
      case 'join': {
        if (!o.joins) return s;
        const join: OverlayLine = { key: `join:${s.seq}`, kind: 'join', nick: frame.nick, text: '', leavesAt: life === 0 ? null : now + life, shownAt: now };
        return { ...s, seq: s.seq + 1, lines: newest([...s.lines, join], o.max) };
      }
      case 'deleted':
        return remove(s, new Set([frame.id]));
      case 'banned':
        return remove(s, new Set(frame.ids));
      case 'chat-cleared':
        return { ...s, lines: [], pinned: null };
      case 'pinned':
        return o.pinned ? { ...s, pinned: frame.message } : s;
      default:
        return s;
    }
  };
}

function remove(s: OverlayState, ids: Set<string>): OverlayState {
  const lines = s.lines.filter((l) => l.kind !== 'chat' || !ids.has(l.key));
  const pinned = s.pinned && ids.has(s.pinned.id) ? null : s.pinned;
  return lines.length === s.lines.length && pinned === s.pinned ? s : { ...s, lines, pinned };
}

/** When the next line leaves (epoch ms), or null when none will by itself. */
export function nextDeparture(s: OverlayState): number | null {
  let next: number | null = null;
  for (const l of s.lines) if (l.leavesAt !== null && (next === null || l.leavesAt < next)) next = l.leavesAt;
  return next;
}
