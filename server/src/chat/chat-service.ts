// Over 300 lines on purpose: one service holds every rule a message passes (names, limits, filters,
// sanctions, slow mode, join notices) and every moderation act on the same state (settings, the pinned
// message, the per-address buckets). The pure parts already live in rules.ts and nick-key.ts; splitting
// the rest would spread one state over two objects that must agree.
import { randomUUID } from 'node:crypto';
import type { Logger } from '../log/logger.js';
import type { ChatBus, ChatEvent } from './bus/chat-bus.js';
import { fail, type ChatErrorCode, type ChatResult } from './errors.js';
import {
  cleanNick, cleanText, messageId, nickKey, NICK_MAX, NICK_MIN, TEXT_MAX,
  type ChatMessage, type ChatRole,
} from './protocol.js';
import { TokenBucket } from './rate-limit.js';
import { contentRefusal, fold, sanctionRefusal } from './rules.js';
import { DEFAULT_SETTINGS, type ChatSettings, type ChatStore, type Sanction } from './store/chat-store.js';

export interface ChatLimits {
  historySize: number;
  ratePerSecond: number;
  burst: number;
  ipRatePerSecond: number;
  ipBurst: number;
  duplicateWindowSeconds: number;
  reservedNicks: string[];
}

/** One connected chat participant (a socket), new protocol or legacy. */
export interface Participant {
  connId: string;
  sessionId: string;
  ipHash: string;
  role: Exclude<ChatRole, 'system'>;
  nick?: string;
  bucket: TokenBucket;
  /** Join notices of this socket (a name changed over and over is not a way to post). */
  notices: TokenBucket;
}

export type { ChatResult } from './errors.js';
export { sessionBirth } from './rules.js';

/** A viewer announces the same name at most once in this time (the page reconnects, tabs reopen). */
export const JOIN_REPEAT_MS = 30 * 60_000;
/** Notices one socket may give: three, then one a minute. They also spend the address's message tokens. */
export const NOTICE_BURST = 3;
const NOTICE_RATE = 1 / 60;

/**
 * The chat's rules: who may say what, how often, and what moderators can do about it. Storage and
 * fan-out are behind ChatStore and ChatBus, so the same rules hold on one machine and on several.
 */
export class ChatService {
  /** Messages posted through this instance since it started (read by /metrics). */
  readonly counts = { accepted: 0, rejected: new Map<ChatErrorCode, number>() };
  private settings: ChatSettings = { ...DEFAULT_SETTINGS };
  private pinned: ChatMessage | null = null;
  private readonly ipBuckets = new Map<string, TokenBucket>();
  private readonly lastBySession = new Map<string, { key: string; at: number }>();
  private readonly lastJoin = new Map<string, { key: string; at: number }>();
  private readonly reserved: Set<string>;
  private unsubscribe: (() => void) | null = null;
  private sweep: NodeJS.Timeout | null = null;

  constructor(
    private readonly store: ChatStore,
    private readonly bus: ChatBus,
    private readonly limits: ChatLimits,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {
    this.reserved = new Set(limits.reservedNicks.map(nickKey));
  }

  async start(): Promise<void> {
    this.settings = await this.store.getSettings();
    const pinnedId = await this.store.getPinned();
    this.pinned = pinnedId ? ((await this.store.get(pinnedId)) ?? null) : null;
    this.unsubscribe = this.bus.subscribe((e) => {
      if (e.kind === 'settings') this.settings = e.settings;
      if (e.kind === 'pinned') this.pinned = e.message;
      if (e.kind === 'cleared') this.pinned = null;
      if (e.kind === 'deleted' && this.pinned?.id === e.id) this.pinned = null;
    });
    this.sweep = setInterval(() => this.forgetIdle(), 60_000);
    this.sweep.unref();
  }

  async stop(): Promise<void> {
    this.unsubscribe?.();
    if (this.sweep) clearInterval(this.sweep);
  }

  participant(connId: string, sessionId: string, ipHash: string, role: Participant['role']): Participant {
    const now = this.now();
    return { connId, sessionId, ipHash, role, bucket: new TokenBucket(this.limits.ratePerSecond, this.limits.burst, now), notices: new TokenBucket(NOTICE_RATE, NOTICE_BURST, now) };
  }

  onEvent(handler: (e: ChatEvent) => void): () => void {
    return this.bus.subscribe(handler);
  }

  currentSettings(): ChatSettings {
    return this.settings;
  }

  currentPinned(): ChatMessage | null {
    return this.pinned;
  }

  async history(): Promise<ChatMessage[]> {
    return this.store.recent(this.limits.historySize);
  }

  /** Validates a nickname for this participant; moderators may use reserved names. */
  checkNick(p: Participant, raw: string): ChatResult<string> {
    const nick = cleanNick(raw);
    if ([...nick].length < NICK_MIN || [...nick].length > NICK_MAX) return fail('nick_invalid', { min: NICK_MIN, max: NICK_MAX });
    if (p.role !== 'moderator' && this.isReserved(nick)) return fail('nick_reserved');
    return { ok: true, value: nick };
  }

  async hello(p: Participant, raw: string): Promise<ChatResult<string>> {
    const nick = this.checkNick(p, raw);
    if (nick.ok) p.nick = nick.value;
    return nick;
  }

  /**
   * Posts a message: every rule is checked, the message is stored (durable when this resolves), then
   * published to every instance. `legacy` carries the old frontend's fields. `receivedAt` is when the
   * socket read the frame: the rate limits count the sender's frames at that time, so a server that is
   * busy (a backlog of frames handled late, together) never makes an honest sender look like a flood.
   */
  async send(p: Participant, rawText: string, legacy?: { nick: string; sender?: string; showTimestamp?: boolean }, receivedAt?: number): Promise<ChatResult<ChatMessage>> {
    const result = await this.post(p, rawText, legacy, receivedAt);
    if (result.ok) this.counts.accepted++;
    else this.counts.rejected.set(result.code, (this.counts.rejected.get(result.code) ?? 0) + 1);
    return result;
  }

  private async post(p: Participant, rawText: string, legacy?: { nick: string; sender?: string; showTimestamp?: boolean }, receivedAt?: number): Promise<ChatResult<ChatMessage>> {
    if (legacy) {
      const nick = await this.hello(p, legacy.nick);
      if (!nick.ok) return nick;
    }
    if (!p.nick) return fail('no_nick');
    const text = cleanText(rawText);
    if (text.length === 0) return fail('empty');
    if ([...text].length > TEXT_MAX) return fail('too_long', { max: TEXT_MAX });

    const blocked = await this.sanctionFor(p);
    if (blocked) return blocked;

    const now = this.now();
    const moderator = p.role === 'moderator';
    if (!moderator) {
      const limited = this.takeTokens(p, Math.min(now, receivedAt ?? now));
      if (limited) return limited;
      const last = this.lastBySession.get(p.sessionId);
      const slow = this.settings.slowModeSeconds;
      if (slow > 0 && last && now - last.at < slow * 1000) return fail('slow_mode', { seconds: Math.ceil((slow * 1000 - (now - last.at)) / 1000) });
      const key = fold(text);
      if (last && last.key === key && now - last.at < this.limits.duplicateWindowSeconds * 1000) return fail('duplicate');
      const refused = this.contentRefused(text);
      if (refused) return refused;
      this.lastBySession.set(p.sessionId, { key, at: now });
    }

    const message: ChatMessage = {
      id: messageId(now),
      nick: p.nick,
      text,
      at: new Date(now).toISOString(),
      role: moderator ? 'moderator' : 'viewer',
      sessionId: p.sessionId,
      ipHash: p.ipHash,
      ...(legacy?.sender ? { legacySender: legacy.sender } : {}),
      ...(legacy?.showTimestamp !== undefined ? { showTimestamp: legacy.showTimestamp } : {}),
    };
    await this.store.append(message);
    await this.bus.publish({ kind: 'message', message });
    return { ok: true, value: message };
  }

  /** The legacy frontend's `identify: true`: takes the name, then announces it (see `announce`). */
  async joinNotice(p: Participant, rawNick: string, sender?: string): Promise<ChatResult<string>> {
    const nick = await this.hello(p, rawNick);
    if (!nick.ok) return nick;
    const announced = await this.announce(p, sender);
    return announced.ok ? nick : announced;
  }

  /**
   * "NOMBRE está viendo", live to every client and never stored. Under the rules of a message (sanctions,
   * the address's rate limit, link and word filters on the name) plus a socket's own notice budget (not
   * its message tokens: announcing a name must not cost a first message); a session announces one name
   * once per JOIN_REPEAT_MS; nothing when the admin turned notices off. True when it went out.
   */
  async announce(p: Participant, sender?: string): Promise<ChatResult<boolean>> {
    if (!p.nick) return fail('no_nick');
    if (!this.settings.joinNotices) return { ok: true, value: false };
    const blocked = await this.sanctionFor(p);
    if (blocked) return blocked;
    const now = this.now();
    const key = nickKey(p.nick);
    const last = this.lastJoin.get(p.sessionId);
    if (last && last.key === key && now - last.at < JOIN_REPEAT_MS) return { ok: true, value: false };
    if (p.role !== 'moderator') {
      const refused = this.takeTokens(p, now, p.notices) ?? this.contentRefused(p.nick);
      if (refused) return refused;
    }
    this.lastJoin.set(p.sessionId, { key, at: now });
    await this.bus.publish({ kind: 'join', nick: p.nick, at: new Date(now).toISOString(), ...(sender ? { legacySender: sender } : {}) });
    return { ok: true, value: true };
  }

  /**
   * The admin session that made this participant a moderator has ended: a viewer from now on. A reserved
   * name it took as moderator is dropped (true), so it must choose another before writing.
   */
  demote(p: Participant): boolean {
    p.role = 'viewer';
    if (!p.nick || !this.isReserved(p.nick)) return false;
    delete p.nick;
    return true;
  }

  // ── moderation (called by the admin API) ──

  async deleteMessage(id: string): Promise<boolean> {
    const ok = await this.store.markDeleted(id);
    if (!ok) return false;
    if (this.pinned?.id === id) await this.pin(null);
    await this.bus.publish({ kind: 'deleted', id });
    this.logger.info({ event: 'chat_deleted', id }, 'chat message deleted');
    return true;
  }

  /**
   * Time-out (minutes > 0) or ban (minutes undefined) of the author of a message: their session. With
   * `addressMinutes`, new sessions from their address are blocked too, for that long (a moderator's choice).
   */
  async sanction(messageIdToPunish: string, minutes: number | undefined, reason?: string, addressMinutes?: number): Promise<Sanction | undefined> {
    const m = await this.store.get(messageIdToPunish);
    if (!m || m.role !== 'viewer') return undefined;
    const now = this.now();
    const s: Sanction = {
      id: randomUUID(),
      kind: minutes === undefined ? 'ban' : 'timeout',
      sessionId: m.sessionId,
      ipHash: m.ipHash,
      nick: m.nick,
      at: new Date(now).toISOString(),
      ...(minutes === undefined ? {} : { until: new Date(now + minutes * 60_000).toISOString() }),
      ...(reason ? { reason } : {}),
      ...(addressMinutes ? { addressUntil: new Date(now + Math.min(addressMinutes, minutes ?? addressMinutes) * 60_000).toISOString() } : {}),
    };
    await this.store.addSanction(s);
    await this.bus.publish({ kind: 'sanction', sanction: s });
    this.logger.info({ event: 'chat_sanction', kind: s.kind, minutes }, 'chat participant sanctioned');
    return s;
  }

  async lift(id: string): Promise<boolean> {
    return this.store.removeSanction(id);
  }

  async sanctions(): Promise<Sanction[]> {
    return this.store.activeSanctions(new Date(this.now()).toISOString());
  }

  async updateSettings(change: Partial<ChatSettings>): Promise<ChatSettings> {
    const settings: ChatSettings = { ...this.settings, ...change };
    settings.wordFilter = [...new Set(settings.wordFilter.map((w) => w.trim()).filter(Boolean))];
    await this.store.setSettings(settings);
    this.settings = settings;
    await this.bus.publish({ kind: 'settings', settings });
    return settings;
  }

  async clear(): Promise<void> {
    await this.store.clear();
    await this.store.setPinned(null);
    this.pinned = null;
    await this.bus.publish({ kind: 'cleared' });
  }

  async pin(id: string | null): Promise<ChatMessage | null | undefined> {
    const message = id ? await this.store.get(id) : null;
    if (id && (!message || message.deleted)) return undefined;
    await this.store.setPinned(id);
    this.pinned = message ?? null;
    await this.bus.publish({ kind: 'pinned', message: message ?? null });
    return message ?? null;
  }

  async exportRange(fromIso: string, toIso: string): Promise<ChatMessage[]> {
    return this.store.range(fromIso, toIso);
  }

  async purgeOlderThan(days: number): Promise<number> {
    return this.store.purgeBefore(new Date(this.now() - days * 86_400_000).toISOString());
  }

  private async sanctionFor(p: Participant): Promise<ChatResult<never> | undefined> {
    if (p.role === 'moderator') return undefined;
    const now = this.now();
    return sanctionRefusal(await this.store.activeSanctions(new Date(now).toISOString()), p, now);
  }

  /** A viewer's token from its socket's bucket and its address's; the refusal when either is empty. */
  private takeTokens(p: Participant, now: number, own: TokenBucket = p.bucket): ChatResult<never> | undefined {
    if (!own.take(now)) return fail('rate_limited', { seconds: own.waitSeconds(now) });
    const ipBucket = this.ipBucket(p.ipHash, now);
    if (!ipBucket.take(now)) return fail('rate_limited', { seconds: ipBucket.waitSeconds(now) });
    return undefined;
  }

  private contentRefused(text: string): ChatResult<never> | undefined {
    return contentRefusal(text, this.settings);
  }

  private isReserved(nick: string): boolean {
    const key = nickKey(nick);
    return [...this.reserved].some((r) => key === r || (r.length >= 5 && key.includes(r)));
  }

  private ipBucket(ipHash: string, now: number): TokenBucket {
    let b = this.ipBuckets.get(ipHash);
    if (!b) {
      b = new TokenBucket(this.limits.ipRatePerSecond, this.limits.ipBurst, now);
      this.ipBuckets.set(ipHash, b);
    }
    return b;
  }

  private forgetIdle(): void {
    const now = this.now();
    for (const [k, b] of this.ipBuckets) if (b.idle(now)) this.ipBuckets.delete(k);
    for (const [k, v] of this.lastJoin) if (now - v.at > JOIN_REPEAT_MS) this.lastJoin.delete(k);
    for (const [k, v] of this.lastBySession) if (now - v.at > Math.max(this.limits.duplicateWindowSeconds, this.settings.slowModeSeconds) * 1000) this.lastBySession.delete(k);
  }
}
