import { fail, type ChatResult } from './errors.js';
import { containsLink } from './protocol.js';
import type { ChatSettings, Sanction } from './store/chat-store.js';

/** When a session was created, from its id (see http/identity.ts); undefined for ids without a time. */
export function sessionBirth(sessionId: string): number | undefined {
  const t = Number.parseInt(sessionId.slice(0, 10), 36);
  return /^[0-9a-z]{10}/.test(sessionId) && t > 1_500_000_000_000 && t < 4_000_000_000_000 ? t : undefined;
}

/** Without case or accents: how texts are compared for duplicates and the word filter. */
export const fold = (s: string) => s.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase();

/** The sanction that silences this session at this address, refused in both languages. */
export function sanctionRefusal(active: Sanction[], who: { sessionId: string; ipHash: string }, now: number): ChatResult<never> | undefined {
  // By session always. By address only when the moderator chose it, until its short end, and only for
  // sessions begun after the sanction: the others behind the same church Wi-Fi or carrier NAT keep chatting.
  const born = sessionBirth(who.sessionId);
  const byAddress = (s: Sanction) =>
    s.addressUntil !== undefined && s.ipHash === who.ipHash && now < Date.parse(s.addressUntil) && (born === undefined || born >= Date.parse(s.at));
  const applies = (s: Sanction) => s.sessionId === who.sessionId || byAddress(s);
  // A ban outranks a time-out: a banned viewer is told it is a ban, not a pause.
  const hit = active.find((s) => s.kind === 'ban' && applies(s)) ?? active.find(applies);
  if (!hit) return undefined;
  if (hit.kind === 'ban') return fail('banned');
  return fail('timed_out', { minutes: Math.max(1, Math.ceil((Date.parse(hit.until!) - now) / 60_000)) });
}

/** Whether the text holds one of the filtered words or phrases, as whole words, without case or accents. */
export function wordFiltered(text: string, words: readonly string[]): boolean {
  const t = ` ${fold(text).replace(/[^\p{L}\p{N}]+/gu, ' ')} `;
  return words.some((w) => {
    const f = fold(w).replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
    return f.length > 0 && t.includes(` ${f} `);
  });
}

/** What a viewer may not say (in a message or as a name announced): links, unless allowed, and filtered words. */
export function contentRefusal(text: string, settings: ChatSettings): ChatResult<never> | undefined {
  if (!settings.linksFromViewers && containsLink(text)) return fail('link_not_allowed');
  if (wordFiltered(text, settings.wordFilter)) return fail('word_filtered');
  return undefined;
}
