import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { ChatService } from '../chat/chat-service.js';
import { chatCsv, exportFileName } from '../chat/export-csv.js';
import { TokenBucket } from '../chat/rate-limit.js';
import { toPublic, type ChatMessage } from '../chat/protocol.js';
import type { Logger } from '../log/logger.js';
import { KeyError, type PublishAuth } from '../media/publish-auth.js';
import type { StreamSessions } from '../storage/stream-sessions.js';
import { SiteSchema, type SiteSettings } from '../storage/site-settings.js';
import type { HealthSample } from '../media/live-pipeline.js';
import type { AdminSessions } from './admin-sessions.js';
import { ADMIN_COOKIE, parseCookies } from './identity.js';

export interface AdminDeps {
  sessions: AdminSessions;
  checkPassword(candidate: string): boolean;
  chat: ChatService;
  auth: PublishAuth;
  streamSessions: StreamSessions;
  logger: Logger;
  secureCookies: boolean;
  sessionTtlSec: number;
  site: SiteSettings;
  /** After the site settings change (the share page is re-rendered). */
  onSiteChange(): void;
  /** The live figures the dashboard shows. */
  overview(): Record<string, unknown>;
  healthHistory(): HealthSample[];
  /** rtmp://HOST:PORT/live, for OBS. */
  obsServer: string;
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

/** The admin API: login (rate-limited, HttpOnly SameSite=Strict cookie, CSRF token) and chat moderation. */
export function adminRoutes(app: FastifyInstance, d: AdminDeps): void {
  // Failed logins per address: five, then one more every 12 s. Successful logins cost nothing.
  const failures = new Map<string, TokenBucket>();
  const bucketFor = (ip: string) => {
    let b = failures.get(ip);
    if (!b) {
      if (failures.size > 10_000) failures.clear();
      b = new TokenBucket(1 / 12, 5, Date.now());
      failures.set(ip, b);
    }
    return b;
  };

  const cookie = (token: string, maxAge: number) =>
    `${ADMIN_COOKIE}=${token}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAge}${d.secureCookies ? '; Secure' : ''}`;

  app.post('/api/v1/admin/login', async (req, reply) => {
    const bucket = bucketFor(req.ip);
    const wait = bucket.waitSeconds(Date.now());
    if (wait > 0) {
      return reply.code(429).header('retry-after', String(wait)).send({ error: 'rate_limited', message: `Demasiados intentos; espere ${wait} s / too many attempts; wait ${wait} s` });
    }
    const body = Login.safeParse(req.body);
    if (!body.success) return bad(reply, body.error);
    if (!d.checkPassword(body.data.password)) {
      bucket.take(Date.now());
      d.logger.warn({ event: 'admin_login_failed', ip: req.ip }, 'admin login failed');
      return reply.code(401).send({ error: 'bad_password', message: 'Contraseña incorrecta / wrong password' });
    }
    const s = d.sessions.create();
    d.logger.info({ event: 'admin_login', ip: req.ip }, 'admin signed in');
    return reply.header('set-cookie', cookie(s.token, d.sessionTtlSec)).send({ csrfToken: s.csrf, expiresAt: s.expiresAt });
  });

  // Everything else under /api/v1/admin/ needs a session, and a CSRF token for changes.
  app.addHook('preHandler', async (req: FastifyRequest, reply: FastifyReply) => {
    // The path alone: a query string must neither close the open routes nor open the others.
    const path = req.url.split('?', 1)[0]!;
    if (!path.startsWith('/api/v1/admin/') || path === '/api/v1/admin/login' || path === '/api/v1/admin/session') return;
    const session = d.sessions.validate(parseCookies(req.headers.cookie).get(ADMIN_COOKIE));
    if (!session) return reply.code(401).send({ error: 'unauthorized', message: 'Inicie sesión / sign in' });
    if (req.method !== 'GET' && req.method !== 'HEAD' && req.headers['x-csrf-token'] !== session.csrf) {
      return reply.code(403).send({ error: 'csrf', message: 'Falta el token CSRF / missing CSRF token' });
    }
  });

  // Open to everyone: tells the page whether its cookie is still a session (no 401 in the console).
  app.get('/api/v1/admin/session', async (req) => {
    const session = d.sessions.validate(parseCookies(req.headers.cookie).get(ADMIN_COOKIE));
    return session ? { signedIn: true, csrfToken: session.csrf } : { signedIn: false };
  });

  app.post('/api/v1/admin/logout', async (req, reply) => {
    d.sessions.destroy(parseCookies(req.headers.cookie).get(ADMIN_COOKIE));
    return reply.header('set-cookie', cookie('', 0)).send({ ok: true });
  });

  // ── dashboard ──
  app.get('/api/v1/admin/overview', async () => ({ ...d.overview(), obsServer: d.obsServer }));
  app.get('/api/v1/admin/health/history', async () => ({ samples: d.healthHistory() }));
  app.get('/api/v1/admin/site', async () => d.site.get());
  app.put('/api/v1/admin/site', async (req, reply) => {
    const body = SiteChange.safeParse(req.body);
    if (!body.success) return bad(reply, body.error);
    const site = d.site.update(body.data);
    d.onSiteChange();
    d.logger.info({ event: 'site_updated' }, 'site settings updated');
    return site;
  });

  // ── stream key ──
  app.get('/api/v1/admin/stream-keys', async () => ({ keys: d.auth.keys().map((k) => ({ id: k.id, source: k.source, createdAt: k.createdAt, key: k.key })) }));
  app.post('/api/v1/admin/stream-keys/rotate', async (_req, reply) => {
    try {
      const key = d.auth.rotate();
      d.logger.info({ event: 'stream_key_rotated', id: key.id }, 'stream key rotated');
      return { id: key.id, key: key.key, createdAt: key.createdAt };
    } catch (err) {
      if (err instanceof KeyError) return reply.code(409).send({ error: err.code, message: err.message });
      throw err;
    }
  });

  // ── chat moderation ──
  const withIds = (m: ChatMessage) => ({ ...toPublic(m), deleted: Boolean(m.deleted) });
  app.get('/api/v1/admin/chat/messages', async () => ({ messages: (await d.chat.history()).map(withIds), pinned: d.chat.currentPinned()?.id ?? null }));

  app.delete<{ Params: { id: string } }>('/api/v1/admin/chat/messages/:id', async (req, reply) => {
    const ok = await d.chat.deleteMessage(req.params.id.slice(0, 64));
    return ok ? { ok } : reply.code(404).send({ error: 'not_found', message: 'No existe ese mensaje / no such message' });
  });

  app.post('/api/v1/admin/chat/sanctions', async (req, reply) => {
    const body = SanctionBody.safeParse(req.body);
    if (!body.success) return bad(reply, body.error);
    const s = await d.chat.sanction(body.data.messageId, body.data.minutes, body.data.reason, body.data.addressMinutes);
    if (!s) return reply.code(404).send({ error: 'not_found', message: 'No existe ese mensaje de un participante / no such viewer message' });
    return { id: s.id, kind: s.kind, nick: s.nick, until: s.until ?? null };
  });
  app.get('/api/v1/admin/chat/sanctions', async () => ({
    sanctions: (await d.chat.sanctions()).map((s) => ({ id: s.id, kind: s.kind, nick: s.nick, at: s.at, until: s.until ?? null, reason: s.reason ?? null })),
  }));
  app.delete<{ Params: { id: string } }>('/api/v1/admin/chat/sanctions/:id', async (req, reply) => {
    const ok = await d.chat.lift(req.params.id.slice(0, 64));
    return ok ? { ok } : reply.code(404).send({ error: 'not_found', message: 'No existe / not found' });
  });

  app.get('/api/v1/admin/chat/settings', async () => d.chat.currentSettings());
  app.put('/api/v1/admin/chat/settings', async (req, reply) => {
    const body = SettingsBody.safeParse(req.body);
    if (!body.success) return bad(reply, body.error);
    return d.chat.updateSettings(body.data);
  });

  app.post('/api/v1/admin/chat/clear', async () => {
    await d.chat.clear();
    return { ok: true };
  });

  app.put('/api/v1/admin/chat/pin', async (req, reply) => {
    const body = PinBody.safeParse(req.body);
    if (!body.success) return bad(reply, body.error);
    const pinned = await d.chat.pin(body.data.messageId);
    if (pinned === undefined) return reply.code(404).send({ error: 'not_found', message: 'No existe ese mensaje / no such message' });
    return { pinned: pinned ? toPublic(pinned) : null };
  });

  app.get('/api/v1/admin/stream-sessions', async () => ({ sessions: d.streamSessions.recent(50) }));

  app.get('/api/v1/admin/chat/export', async (req, reply) => {
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
