/**
 * The admin API client. Every change carries the session's CSRF token; a 401 from any call means the
 * session is over, which the page learns through `onSignedOut` (and shows the sign-in form again).
 */
import type { Lang } from '../../i18n/catalogue';
import { parseOverview, parseSamples, parseSessions } from './parse';
import type { ChatSettings, DelaySettings, HealthSample, ModeratedMessage, Overview, Sanction, SimulcastDestination, SimulcastDocument, SiteDocument, StreamKey, StreamSession } from './types';

export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

/** A refused call: `status` 0 = the network failed; `message` is the server's own words (may be empty). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** The server writes its messages as "español / English"; the page shows the half in its language. */
export function localMessage(message: string, lang: Lang): string {
  const halves = message.split(' / ');
  if (halves.length !== 2) return message;
  return (lang === 'es' ? halves[0] : halves[1])!.trim() || message;
}

async function readError(res: Response): Promise<{ code: string; message: string }> {
  try {
    const body: unknown = await res.json();
    if (typeof body === 'object' && body !== null) {
      const { error, message } = body as { error?: unknown; message?: unknown };
      return { code: typeof error === 'string' ? error : 'http', message: typeof message === 'string' ? message : '' };
    }
  } catch {
    // Not JSON (a proxy's error page): no message of the server's own.
  }
  return { code: 'http', message: '' };
}

const JSON_HEADERS = { accept: 'application/json' } as const;

async function send(f: FetchLike, method: string, path: string, headers: Record<string, string>, body?: unknown): Promise<Response> {
  try {
    return await f(path, {
      method,
      credentials: 'same-origin',
      headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch {
    throw new ApiError(0, 'network', '');
  }
}

export type LoginResult = { ok: true; csrfToken: string } | { ok: false; status: number; message: string };

/** POST /api/v1/admin/login: the cookie arrives HttpOnly; the CSRF token is kept by the page. */
export async function login(password: string, f: FetchLike = fetch): Promise<LoginResult> {
  const res = await send(f, 'POST', '/api/v1/admin/login', JSON_HEADERS, { password });
  if (!res.ok) return { ok: false, status: res.status, message: (await readError(res)).message };
  const body = (await res.json()) as { csrfToken?: unknown };
  return typeof body.csrfToken === 'string' ? { ok: true, csrfToken: body.csrfToken } : { ok: false, status: res.status, message: '' };
}

/** The CSRF token of a session this browser already has, or null when it must sign in. */
export async function resumeSession(f: FetchLike = fetch): Promise<string | null> {
  const res = await send(f, 'GET', '/api/v1/admin/session', JSON_HEADERS);
  if (!res.ok) return null;
  const body = (await res.json()) as { csrfToken?: unknown };
  return typeof body.csrfToken === 'string' && body.csrfToken ? body.csrfToken : null;
}

export interface AdminClientOptions {
  csrfToken: string;
  onSignedOut(): void;
  fetch?: FetchLike;
}

export function createAdminClient(o: AdminClientOptions) {
  const f = o.fetch ?? ((input: string, init?: RequestInit) => fetch(input, init));

  async function call<T>(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = method === 'GET' ? { ...JSON_HEADERS } : { ...JSON_HEADERS, 'x-csrf-token': o.csrfToken };
    const res = await send(f, method, `/api/v1/admin/${path}`, headers, body);
    if (res.status === 401) {
      o.onSignedOut();
      const e = await readError(res);
      throw new ApiError(401, e.code, e.message);
    }
    if (!res.ok) {
      const e = await readError(res);
      throw new ApiError(res.status, e.code, e.message);
    }
    return (await res.json()) as T;
  }

  const id = encodeURIComponent;
  return {
    overview: async (): Promise<Overview> => parseOverview(await call<unknown>('GET', 'overview')),
    healthHistory: async (): Promise<HealthSample[]> => parseSamples(await call<unknown>('GET', 'health/history')),
    streamKeys: async () => (await call<{ keys?: StreamKey[] }>('GET', 'stream-keys')).keys ?? [],
    rotateKey: () => call<Omit<StreamKey, 'source'>>('POST', 'stream-keys/rotate'),
    chatMessages: async () => {
      const r = await call<{ messages?: ModeratedMessage[]; pinned?: string | null }>('GET', 'chat/messages');
      return { messages: r.messages ?? [], pinned: r.pinned ?? null };
    },
    deleteMessage: (messageId: string) => call<{ ok: boolean }>('DELETE', `chat/messages/${id(messageId)}`),
    /**
     * A time-out for `minutes`, or a ban without them, of the author's session; `addressMinutes` also blocks
     * new sessions from the author's address for that long (the moderator's explicit choice).
     */
    sanction: (messageId: string, minutes?: number, addressMinutes?: number) =>
      call<{ id: string }>('POST', 'chat/sanctions', { messageId, ...(minutes === undefined ? {} : { minutes }), ...(addressMinutes ? { addressMinutes } : {}) }),
    sanctions: async () => (await call<{ sanctions?: Sanction[] }>('GET', 'chat/sanctions')).sanctions ?? [],
    liftSanction: (sanctionId: string) => call<{ ok: boolean }>('DELETE', `chat/sanctions/${id(sanctionId)}`),
    chatSettings: () => call<ChatSettings>('GET', 'chat/settings'),
    saveChatSettings: (s: ChatSettings) => call<ChatSettings>('PUT', 'chat/settings', s),
    delay: () => call<DelaySettings>('GET', 'delay'),
    saveDelay: (lowDelay: boolean) => call<DelaySettings>('PUT', 'delay', { lowDelay }),
    clearChat: () => call<{ ok: boolean }>('POST', 'chat/clear'),
    pin: (messageId: string | null) => call<unknown>('PUT', 'chat/pin', { messageId }),
    streamSessions: async (): Promise<StreamSession[]> => parseSessions(await call<unknown>('GET', 'stream-sessions')),
    site: () => call<SiteDocument>('GET', 'site'),
    saveSite: (change: Partial<SiteDocument>) => call<SiteDocument>('PUT', 'site', change),
    logout: () => call<unknown>('POST', 'logout'),
    simulcast: () => call<SimulcastDocument>('GET', 'simulcast'),
    addDestination: (d: { name: string; preset: string; url?: string; key: string }) => call<SimulcastDestination>('POST', 'simulcast', d),
    changeDestination: (destinationId: string, change: { enabled?: boolean }) => call<SimulcastDestination>('PATCH', `simulcast/${id(destinationId)}`, change),
    removeDestination: (destinationId: string) => call<{ ok: boolean }>('DELETE', `simulcast/${id(destinationId)}`),
  };
}

export type AdminClient = ReturnType<typeof createAdminClient>;

/** Where a chat export downloads from (the session cookie goes with a plain link). */
export function exportUrl(format: 'csv' | 'json', session: number | null): string {
  return `/api/v1/admin/chat/export?format=${format}${session === null ? '' : `&session=${session}`}`;
}
