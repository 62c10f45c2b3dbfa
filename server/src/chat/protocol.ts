import { z } from 'zod';
import type { ChatRole, ClientMessage, LegacyClientFrame, LegacyMessage, PublicMessage } from '../../../contract/ws.js';
import { INVISIBLE, nickSkeleton } from './nick-key.js';

export type { ChatRole, LegacyMessage, PublicMessage };

/** A stored chat message. The public shape (`PublicMessage`) leaves out who sent it from where. */
export interface ChatMessage {
  id: string;
  nick: string;
  text: string;
  /** ISO time. */
  at: string;
  role: ChatRole;
  /** The sender's session (signed cookie) — never sent to clients. */
  sessionId: string;
  /** Hash of the sender's IP — never sent to clients. */
  ipHash: string;
  /** The legacy frontend's own sender id, kept so it can recognise its own messages. */
  legacySender?: string;
  showTimestamp?: boolean;
  deleted?: boolean;
}

export const toPublic = (m: ChatMessage): PublicMessage => ({ id: m.id, nick: m.nick, text: m.text, at: m.at, role: m.role });

export const toLegacy = (m: ChatMessage, identify = false): LegacyMessage => ({
  id: m.id,
  message: m.text,
  username: m.nick,
  sendedAt: Date.parse(m.at),
  sendedBy: m.legacySender ?? m.id,
  showTimestamp: m.showTimestamp ?? true,
  identify,
});

// Control characters (except none: chat is one line), zero-width and bidi characters (U+061C is the Arabic
// letter mark, a bidi mark like U+200E/U+200F).
const STRIP = /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\ufff9-\ufffb]/g;

/**
 * Unicode-normalises and removes invisible or direction-changing characters (fillers such as U+3164 too,
 * so a name of nothing but fillers is blank); collapses runs of spaces.
 */
export function cleanNick(raw: string): string {
  return raw.normalize('NFKC').replace(STRIP, '').replace(INVISIBLE, '').replace(/\s+/g, ' ').trim();
}

/** Like cleanNick but keeps line breaks out and leaves inner spacing alone (beyond collapsing). */
export function cleanText(raw: string): string {
  return raw
    .normalize('NFC')
    .replace(/\r\n?|[\n\u2028\u2029]/g, ' ')
    .replace(STRIP, '')
    .replace(/[ \t]{2,}/g, ' ')
    .trim();
}

/** The comparable form of a nick, to reserve names regardless of case, accents, look-alikes and spacing. */
export function nickKey(nick: string): string {
  return nickSkeleton(cleanNick(nick));
}

export const NICK_MIN = 2;
export const NICK_MAX = 24;
export const TEXT_MAX = 500;

// The schemas read exactly the contract's client → server messages (`satisfies` keeps them in step).
export const HelloFrame = z.object({ type: z.literal('hello'), nick: z.string().max(200) }) satisfies z.ZodType<Extract<ClientMessage, { type: 'hello' }>>;
export const ChatFrame = z.object({
  type: z.literal('chat'),
  text: z.string().max(4000),
  clientId: z.string().min(1).max(64),
}) satisfies z.ZodType<Extract<ClientMessage, { type: 'chat' }>>;

/** Legacy websocket frame: `{action, data}`. */
export const LegacyEnvelope = z.object({ action: z.string().max(64), data: z.unknown().optional() });
export const LegacyChatData = z.object({
  message: z.string().max(4000),
  username: z.string().max(200),
  sendedAt: z.union([z.number(), z.string()]).optional(),
  sendedBy: z.union([z.string(), z.number()]).optional(),
  identify: z.boolean().optional(),
  showTimestamp: z.boolean().optional(),
}) satisfies z.ZodType<LegacyClientFrame['data']>;
export type LegacyChatData = z.infer<typeof LegacyChatData>;

/** Time-sortable unique id: 10 chars of milliseconds (base36, padded) + 8 random. */
export function messageId(now: number, random: () => number = Math.random): string {
  const rand = Array.from({ length: 8 }, () => Math.floor(random() * 36).toString(36)).join('');
  return `${now.toString(36).padStart(10, '0')}${rand}`;
}

const LINK = /\b((https?:\/\/|www\.)\S+|[a-z0-9-]+(\.[a-z0-9-]+)*\.(com|net|org|cl|info|io|me|ly|gl|app|xyz|site|online|tv|be|co)\b(\/\S*)?)/i;
/** Full stops that are not `.`: ideographic (U+3002), fullwidth (U+FF0E), halfwidth ideographic (U+FF61), small (U+FE52), one-dot leader (U+2024). */
const OTHER_DOTS = /[\u3002\uff0e\uff61\ufe52\u2024]/g;
/**
 * `evil .com`, `evil . com`, `evil. com`: a dot with spaces around it, then a top-level domain that is no
 * Spanish word, standing alone. Short ones that are words (`me`, `co`, `be`, `tv`, `info`, `online`…) are
 * left out here, so "Gracias. Me alegro" and "Amén . Dios" stay sentences.
 */
const SPACED_LINK = /[a-z0-9-]{2,} *(?: \.|\. ) *(com|net|org|cl|xyz|io|ly|gl)(?![\p{L}\p{N}])/iu;

/** Whether a text carries a link, however its dots are written or spaced. */
export function containsLink(text: string): boolean {
  const plain = text.normalize('NFKC').replace(OTHER_DOTS, '.');
  return LINK.test(plain) || SPACED_LINK.test(plain);
}
