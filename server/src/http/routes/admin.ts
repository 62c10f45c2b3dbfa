import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Overview } from '../../../../contract/admin.js';
import type { ChatService } from '../../chat/chat-service.js';
import { chatCsv, exportFileName } from '../../chat/export-csv.js';
import { toPublic, type ChatMessage } from '../../chat/protocol.js';
import type { Logger } from '../../log/logger.js';
import { KeyError, type PublishAuth } from '../../ingest/publish-auth.js';
import type { StreamSessions } from '../../storage/stream-sessions.js';
import { SiteSchema, type SiteSettings } from '../../storage/site-settings.js';
import type { HealthSample } from '../../observe/live-pipeline.js';
import type { AdminSessions } from '../admin-sessions.js';
import { AdminSignIn, type DeviceSigner } from '../admin-sign-in.js';
import type { SignInAttempts } from '../admin-store/admin-store.js';
import { ADMIN_COOKIE, parseCookies } from '../identity.js';
import { limitRoutes, type ApiLimits } from '../rate-limits.js';

export interface AdminDeps {
  sessions: AdminSessions;
  checkPassword(candidate: string): boolean;
  chat: ChatService;
  auth: PublishAuth;
  streamSessions: StreamSessions;
  logger: Logger;
  /** Cookies are Secure whatever the request: TLS is configured or PUBLIC_URL is https. */
  secureCookies: boolean;
  devices: DeviceSigner;
  /** Wrong-password allowances (memory, or Redis across instances). */
  attempts: SignInAttempts;
  /**
   * A web instance (ROLE=web): what only the origin holds answers 503 with where to go; the load
   * balancer sends those paths to the origin (deploy/scaling.md).
   */
  originOnly?: boolean;
  rateLimits: ApiLimits;
  sessionTtlSec: number;
  site: SiteSettings;
  /** After the site settings change (the share page is re-rendered). */
  onSiteChange(): void;
  /** The live figures the dashboard shows. */
  overview(): Omit<Overview, 'obsServer'>;
  healthHistory(): HealthSample[];
  /** rtmp://HOST:PORT/live, for OBS. */
  obsServer: string;
  /**
   * More admin route sets (recordings, simulcast…), registered inside this plugin — behind its guard
   * and limit — with paths relative to /api/v1/admin.
   */
  extensions?: ((admin: FastifyInstance) => void)[];
}

const Login = z.object({ password: z.string().min(1).max(256) });
const SanctionBody = z.object({
  messageId: z.string().min(1).max(64),
  minutes: z.number().int().min(1).max(10_080).optional(),
  reason: z.string().max(200).optional(),
  /** Also block new sessions from the author's address, for this long (explicit; default: the session only). */
  addressMinutes: z.number().int().min(1).max(1440).optional(),
});
const SettingsBody = z
  .object({
    slowModeSeconds: z.number().int().min(0).max(600),
    wordFilter: z.array(z.string().min(1).max(50)).max(200),
    linksFromViewers: z.boolean(),
    joinNotices: z.boolean(),
  })
  .partial()
  .strict();
/**
 * A change to the site settings: only the fields sent. (zod 4 fills a `.partial()` field's default in when
 * it is missing, which would reset every setting the admin did not send.)
 */
export const SiteChange = z
  .object({
    churchName: SiteSchema.shape.churchName.unwrap().optional(),
    offlineMessage: SiteSchema.shape.offlineMessage.unwrap().optional(),
    accentColor: SiteSchema.shape.accentColor.unwrap().optional(),
    logoUrl: SiteSchema.shape.logoUrl.unwrap().optional(),
    schedule: SiteSchema.shape.schedule.unwrap().optional(),
  })
  .strict();
const PinBody = z.object({ messageId: z.string().min(1).max(64).nullable() });
const ExportQuery = z.object({
  format: z.enum(['json', 'csv']).default('json'),
  session: z.coerce.number().int().positive().optional(),
  from: z.iso.datetime().optional(),
  to: z.iso.datetime().optional(),
});

const bad = (reply: FastifyReply, error: z.ZodError) => {
  const issue = error.issues[0];
  return reply.code(400).send({ error: 'invalid', message: `${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'inválido'}` });
};

declare module 'fastify' {
  interface FastifyContextConfig {
    /** A route of the admin plugin that answers without a session (declared, never inferred from the URL). */
    open?: boolean;
    /** The route changes what only the origin holds (the stream key, the site, the broadcasts' list). */
    originOnly?: boolean;
  }
}

/**
 * The admin API, as one encapsulated plugin under /api/v1/admin: its guard and its rate limit are the
 * plugin's own hooks, so they run for every route of it — and for its not-found answers — whatever the
 * spelling of the URL the router decoded. Login and session are declared open.
 */
export function adminRoutes(app: FastifyInstance, d: AdminDeps): void {
  void app.register(async (admin) => adminPlugin(admin, d), { prefix: '/api/v1/admin' });
}

function adminPlugin(admin: FastifyInstance, d: AdminDeps): void {
  const signIn = new AdminSignIn(d.devices, d.secureCookies, d.attempts);
  limitRoutes(admin, d.rateLimits, 'admin', (req) => (req.routeOptions.config?.apiGroup === 'login' ? signIn.attemptKey(req) : req.ip));
  // Everything here needs a session, and a CSRF token for changes — but the routes declared open.
  admin.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
    if (req.routeOptions.config?.open === true) return;
    const session = await d.sessions.validate(parseCookies(req.headers.cookie).get(ADMIN_COOKIE));
    if (!session) return reply.code(401).send({ error: 'unauthorized', message: 'Inicie sesión / sign in' });
    if (req.method !== 'GET' && req.method !== 'HEAD' && req.headers['x-csrf-token'] !== session.csrf) {
      return reply.code(403).send({ error: 'csrf', message: 'Falta el token CSRF / missing CSRF token' });
    }
    if (d.originOnly && req.routeOptions.config?.originOnly === true) return originOnlyReply(reply);
  });
  // A signed-in admin asking for a route that does not exist: the path is not echoed.
  admin.setNotFoundHandler((_req, reply) => void reply.code(404).send({ error: 'not_found', message: 'No encontrado / not found' }));
  for (const extend of d.extensions ?? []) extend(admin);
  signInRoutes(admin, d, signIn);
  dashboardRoutes(admin, d);
  moderationRoutes(admin, d);
  exportRoute(admin, d);
}

/** Login (wrong passwords limited per address or per admin device), the session check, logout. */
function signInRoutes(admin: FastifyInstance, d: AdminDeps, signIn: AdminSignIn): void {
  admin.post('/login', { config: { open: true, apiGroup: 'login' } }, async (req, reply) => {
    const wait = await signIn.waitSeconds(req);
    if (wait > 0) {
      return reply.code(429).header('retry-after', String(wait)).send({ error: 'rate_limited', message: `Demasiados intentos; espere ${wait} s / too many attempts; wait ${wait} s` });
    }
    const body = Login.safeParse(req.body);
    if (!body.success) return bad(reply, body.error);
    if (!d.checkPassword(body.data.password)) {
      await signIn.failed(req);
      d.logger.warn({ event: 'admin_login_failed', ip: req.ip }, 'admin login failed');
      return reply.code(401).send({ error: 'bad_password', message: 'Contraseña incorrecta / wrong password' });
    }
    const s = await d.sessions.create();
    d.logger.info({ event: 'admin_login', ip: req.ip }, 'admin signed in');
    return reply.header('set-cookie', signIn.cookies(req, s.token, d.sessionTtlSec)).send({ csrfToken: s.csrf, expiresAt: s.expiresAt });
  });

  // Open to everyone: tells the page whether its cookie is still a session (no 401 in the console).
  admin.get('/session', { config: { open: true } }, async (req) => {
    const session = await d.sessions.validate(parseCookies(req.headers.cookie).get(ADMIN_COOKIE));
    return session ? { signedIn: true, csrfToken: session.csrf } : { signedIn: false };
  });

  admin.post('/logout', async (req, reply) => {
    await d.sessions.destroy(parseCookies(req.headers.cookie).get(ADMIN_COOKIE));
    return reply.header('set-cookie', signIn.sessionCookie(req, '', 0)).send({ ok: true });
  });

}

/** What the dashboard shows and changes: figures, health history, the site, the stream key. */
function dashboardRoutes(admin: FastifyInstance, d: AdminDeps): void {
  admin.get('/overview', async () => ({ ...d.overview(), obsServer: d.obsServer }));
  admin.get('/health/history', async () => ({ samples: d.healthHistory() }));
  admin.get('/site', async () => d.site.get());
  const origin = { config: { originOnly: true } };
  admin.put('/site', origin, async (req, reply) => {
    const body = SiteChange.safeParse(req.body);
    if (!body.success) return bad(reply, body.error);
    const site = d.site.update(body.data);
    d.onSiteChange();
    d.logger.info({ event: 'site_updated' }, 'site settings updated');
    return site;
  });

  // ── stream key ──
  admin.get('/stream-keys', origin, async () => ({ keys: d.auth.keys().map((k) => ({ id: k.id, source: k.source, createdAt: k.createdAt, key: k.key })) }));
  admin.post('/stream-keys/rotate', origin, async (_req, reply) => {
    try {
      const key = d.auth.rotate();
      d.logger.info({ event: 'stream_key_rotated', id: key.id }, 'stream key rotated');
      return { id: key.id, key: key.key, createdAt: key.createdAt };
    } catch (err) {
      if (err instanceof KeyError) return reply.code(409).send({ error: err.code, message: err.message });
      throw err;
    }
  });

}

/** Chat moderation: messages, sanctions, settings, clear, pin; the broadcasts a chat can be exported by. */
function moderationRoutes(admin: FastifyInstance, d: AdminDeps): void {
  const withIds = (m: ChatMessage) => ({ ...toPublic(m), deleted: Boolean(m.deleted) });
  admin.get('/chat/messages', async () => ({ messages: (await d.chat.history()).map(withIds), pinned: d.chat.currentPinned()?.id ?? null }));

  admin.delete<{ Params: { id: string } }>('/chat/messages/:id', async (req, reply) => {
    const ok = await d.chat.deleteMessage(req.params.id.slice(0, 64));
    return ok ? { ok } : reply.code(404).send({ error: 'not_found', message: 'No existe ese mensaje / no such message' });
  });

  admin.post('/chat/sanctions', async (req, reply) => {
    const body = SanctionBody.safeParse(req.body);
    if (!body.success) return bad(reply, body.error);
    const s = await d.chat.sanction(body.data.messageId, body.data.minutes, body.data.reason, body.data.addressMinutes);
    if (!s) return reply.code(404).send({ error: 'not_found', message: 'No existe ese mensaje de un participante / no such viewer message' });
    return { id: s.id, kind: s.kind, nick: s.nick, until: s.until ?? null };
  });
  admin.get('/chat/sanctions', async () => ({
    sanctions: (await d.chat.sanctions()).map((s) => ({ id: s.id, kind: s.kind, nick: s.nick, at: s.at, until: s.until ?? null, reason: s.reason ?? null })),
  }));
  admin.delete<{ Params: { id: string } }>('/chat/sanctions/:id', async (req, reply) => {
    const ok = await d.chat.lift(req.params.id.slice(0, 64));
    return ok ? { ok } : reply.code(404).send({ error: 'not_found', message: 'No existe / not found' });
  });

  admin.get('/chat/settings', async () => d.chat.currentSettings());
  admin.put('/chat/settings', async (req, reply) => {
    const body = SettingsBody.safeParse(req.body);
    if (!body.success) return bad(reply, body.error);
    return d.chat.updateSettings(body.data);
  });

  admin.post('/chat/clear', async () => {
    await d.chat.clear();
    return { ok: true };
  });

  admin.put('/chat/pin', async (req, reply) => {
    const body = PinBody.safeParse(req.body);
    if (!body.success) return bad(reply, body.error);
    const pinned = await d.chat.pin(body.data.messageId);
    if (pinned === undefined) return reply.code(404).send({ error: 'not_found', message: 'No existe ese mensaje / no such message' });
    return { pinned: pinned ? toPublic(pinned) : null };
  });

  admin.get('/stream-sessions', { config: { originOnly: true } }, async () => ({ sessions: d.streamSessions.recent(50) }));

}

/** The chat of a broadcast or a date range, as JSON or as CSV for Excel in Chilean Spanish. */
function exportRoute(admin: FastifyInstance, d: AdminDeps): void {
  admin.get('/chat/export', async (req, reply) => {
    const q = ExportQuery.safeParse(req.query);
    if (!q.success) return bad(reply, q.error);
    let from = q.data.from ?? new Date(0).toISOString();
    let to = q.data.to ?? new Date(Date.now() + 60_000).toISOString();
    if (q.data.session) {
      const s = d.streamSessions.get(q.data.session);
      if (!s) return reply.code(404).send({ error: 'not_found', message: 'No existe esa transmisión / no such broadcast' });
      from = s.startedAt;
      to = s.endedAt ?? to;
    }
    const messages = await d.chat.exportRange(from, to);
    const rows = messages.map((m) => ({ id: m.id, at: m.at, nick: m.nick, role: m.role, text: m.text, deleted: Boolean(m.deleted) }));
    const name = exportFileName(messages, { session: q.data.session, fallback: new Date() });
    if (q.data.format === 'csv') {
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${name}.csv"`)
        .send(chatCsv(messages));
    }
    return reply.header('content-disposition', `attachment; filename="${name}.json"`).send({ from, to, messages: rows });
  });
}

/** Paths of the admin route sets that only the origin registers (simulcast, recordings). */
export const ORIGIN_ONLY_PREFIXES = ['/simulcast', '/recordings', '/delay'] as const;

/** On a web instance: the origin's route sets answer 503 with where to go, behind the same guard. */
export function originOnlyRoutes(admin: FastifyInstance): void {
  for (const prefix of ORIGIN_ONLY_PREFIXES) {
    for (const url of [prefix, `${prefix}/*`]) admin.all(url, { config: { originOnly: true } }, async (_req, reply) => originOnlyReply(reply));
  }
}

function originOnlyReply(reply: FastifyReply): FastifyReply {
  return reply.code(503).send({
    error: 'origin_only',
    message:
      'Esto lo atiende el servidor de origen (ROLE=origin); el balanceador envía esta ruta allí (deploy/scaling.md) / this is served by the origin instance; the load balancer routes it there',
  });
}
