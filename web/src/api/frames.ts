import type { BatchFrame } from '../../../contract/ws';
import { isObj, jsonObject, type Obj } from './read';

/** The query that opts a /ws socket in to `batch` frames (contract/ws.ts `BatchFrame`). */
export const BATCH_QUERY = 'batch=1';

/** The socket path with batching asked for: `/ws` → `/ws?batch=1`, `/ws?overlay=1` → `/ws?overlay=1&batch=1`. */
export function withBatching(path: string): string {
  return `${path}${path.includes('?') ? '&' : '?'}${BATCH_QUERY}`;
}

/**
 * The one decoder of /ws text frames for every page (viewer, embed, /chat overlay, admin): a `batch`
 * frame yields its messages in the order the server broadcast them; any other JSON object is one message.
 * Not JSON, not an object, or a batch's entries that are not objects: left out.
 */
export function decodeFrame(raw: string): Obj[] {
  const o = jsonObject(raw);
  if (!o) return [];
  if (o.type !== 'batch') return [o];
  const messages = (o as Partial<BatchFrame<unknown>>).messages;
  return Array.isArray(messages) ? messages.filter(isObj) : [];
}
