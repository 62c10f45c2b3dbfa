import { parseServerMessage } from '../api/messages';
import { isStr, jsonObject, type Obj } from '../api/read';
import type { OverlayFrame } from './overlay-state';


/**
 * One /ws message (a frame, or one message of a decoded batch) as the overlay reads it: the chat's frames, join notices and a ban's removals;
 * everything else (status, viewers, settings, malformed frames) is null and ignored.
 */
export function parseOverlayFrame(raw: string | Obj): OverlayFrame | null {
  const o = typeof raw === 'string' ? jsonObject(raw) : raw;
  if (!o) return null;
  if (o.type === 'join') return isStr(o.nick) && o.nick.length > 0 ? { type: 'join', nick: o.nick, at: isStr(o.at) ? o.at : '' } : null;
  if (o.type === 'banned') return Array.isArray(o.ids) ? { type: 'banned', ids: o.ids.filter(isStr) } : null;
  const m = parseServerMessage(o);
  switch (m?.type) {
    case 'history':
    case 'chat':
    case 'deleted':
    case 'chat-cleared':
    case 'pinned':
      return m;
    default:
      return null;
  }
}
