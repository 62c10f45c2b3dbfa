import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import type { Logger } from '../log/logger.js';
import { renderSharePage } from '../http/share-page.js';
import { prepareTrim, saveTrim, type MediaTools } from './finaliser.js';
import { RECORDING_FILES, recordingDir, RECORDING_ID, type RecordingFile } from './ids.js';
import { renderPodcast } from './podcast.js';
import type { ArchiveSettings, Recording, RecordingsStore } from './store.js';
import { checkTrim } from './trim.js';
import type { ScheduledService } from './title.js';

export interface RoutesContext {
  store: RecordingsStore;
  root: string;
  tools: MediaTools;
  logger: Logger;
  /** Without a trailing slash. */
  publicUrl: string;
  webRoot: string;
  site(): { churchName: string; schedule: readonly ScheduledService[]; logoUrl: string | null };
  settings(): ArchiveSettings;
  saveSettings(next: ArchiveSettings): void;
  remove(id: string): void;
  writing(): string | null;
  health(): unknown;
  diskUsage(): { freeBytes: number; usedBytes: number };
  folderBytes(id: string): number;
}

/** nginx serves the bytes (byte ranges, sendfile) from this internal location once the service said yes. */
export const INTERNAL_PREFIX = '/_recordings/';

const NOT_FOUND = { error: 'not_found', message: 'No existe esa grabación / no such recording' };
const notFound = (reply: FastifyReply) => reply.code(404).send(NOT_FOUND);
const unprocessable = (reply: FastifyReply, message: string) => reply.code(422).send({ error: 'invalid', message });
const zodMessage = (e: z.ZodError) => {
  const i = e.issues[0];
  return `${i?.path.join('.') || 'body'}: ${i?.message ?? 'inválido / invalid'}`;
};

const IdParams = z.object({ id: z.string().regex(RECORDING_ID) });
const PUBLIC_FILES = { 'video.mp4': 'video', 'audio.m4a': 'audio', 'poster.jpg': 'poster' } as const satisfies Record<string, RecordingFile>;
const ADMIN_FILES = { ...PUBLIC_FILES, 'video.trim.mp4': 'trim' } as const satisfies Record<string, RecordingFile>;

/** The URLs of a recording, relative to the site (absolute in the feed and share tags). */
export function recordingUrls(id: string) {
  const base = `/api/v1/recordings/${id}`;
  return { video: `${base}/video.mp4`, audio: `${base}/audio.m4a`, poster: `${base}/poster.jpg`, page: `/archivo/${id}` };
}

/** The public shape of a published recording (the design's contract, plus description and sizes). */
export function toPublic(r: Recording) {
  const u = recordingUrls(r.id);
  return {
    id: r.id,
    title: r.title,
    description: r.description,
    startedAt: r.startedAt,
    duration: Math.round(r.duration ?? 0),
    video: u.video,
    audio: r.hasAudio ? u.audio : null,
    poster: r.hasPoster ? u.poster : null,
    page: u.page,
    videoBytes: r.videoBytes,
    audioBytes: r.audioBytes,
  };
}

const visible = (r: Recording | undefined): r is Recording => r !== undefined && r.published && r.status === 'ready';

/** Hands a file to nginx: its internal location serves it with byte ranges; attachment for downloads. */
function sendFile(reply: FastifyReply, ctx: RoutesContext, r: Recording, file: RecordingFile, download: boolean, cache: string) {
  const dir = recordingDir(ctx.root, r.id);
  const name = RECORDING_FILES[file];
  if (!dir || !existsSync(path.join(dir, name))) return notFound(reply);
  const ext = path.extname(name);
  const date = r.startedAt.slice(0, 10);
  const pretty = file === 'audio' ? `servicio-${date}-audio${ext}` : `servicio-${date}${ext}`;
  reply.header('x-accel-redirect', `${INTERNAL_PREFIX}${r.id}/${name}`).header('cache-control', cache);
  if (download) reply.header('content-disposition', `attachment; filename="${pretty}"`);
  return reply.code(200).send();
}

export function publicRecordingRoutes(api: FastifyInstance, ctx: RoutesContext): void {
  api.get('/v1/recordings', async () => ({ recordings: ctx.store.list({ publishedOnly: true }).map(toPublic) }));

  api.get('/v1/recordings/:id', async (req, reply) => {
    const p = IdParams.safeParse(req.params);
    const r = p.success ? ctx.store.get(p.data.id) : undefined;
    return visible(r) ? toPublic(r) : notFound(reply);
  });

  api.get('/v1/recordings/:id/:file', async (req, reply) => {
    const p = IdParams.extend({ file: z.enum(Object.keys(PUBLIC_FILES) as [keyof typeof PUBLIC_FILES]) }).safeParse(req.params);
    const r = p.success ? ctx.store.get(p.data.id) : undefined;
    if (!p.success || !visible(r)) return notFound(reply);
    const download = (req.query as Record<string, unknown>).download === '1';
    // Short cache: an unpublished or trimmed recording must not linger in a shared cache.
    return sendFile(reply, ctx, r, PUBLIC_FILES[p.data.file], download, 'public, max-age=60');
  });

  api.get('/v1/podcast.xml', async (_req, reply) => {
    const site = ctx.site();
    const base = ctx.publicUrl;
    const items = ctx.store
      .list({ publishedOnly: true })
      .filter((r) => r.hasAudio)
      .map((r) => {
        const u = recordingUrls(r.id);
        return { id: r.id, title: r.title, description: r.description, startedAt: r.startedAt, duration: r.duration ?? 0, audioUrl: base + u.audio, audioBytes: r.audioBytes, pageUrl: base + u.page };
      });
    const image = site.logoUrl ? (site.logoUrl.startsWith('/') ? base + site.logoUrl : site.logoUrl) : `${base}/og.png`;
    const xml = renderPodcast(
      { title: site.churchName, author: site.churchName, description: `Servicios y prédicas de ${site.churchName}.`, siteUrl: `${base}/archivo`, feedUrl: `${base}/podcast.xml`, imageUrl: image },
      items,
    );
    return reply.type('application/rss+xml; charset=utf-8').header('cache-control', 'public, max-age=300').send(xml);
  });

  // /archivo/ID's page, with the recording's own share tags (nginx sends the page path here).
  api.get('/v1/recordings/:id/share-page', async (req, reply) => {
    const p = IdParams.safeParse(req.params);
    const r = p.success ? ctx.store.get(p.data.id) : undefined;
    const template = path.join(ctx.webRoot, 'index.html');
    if (!existsSync(template)) return notFound(reply);
    const site = ctx.site();
    const base = ctx.publicUrl;
    const tags = visible(r)
      ? { title: `${r.title} — ${site.churchName}`, description: r.description || `Vea o escuche este servicio de ${site.churchName}.`, url: `${base}/archivo/${r.id}`, image: r.hasPoster ? base + recordingUrls(r.id).poster : `${base}/og.png` }
      : { title: `Archivo — ${site.churchName}`, description: `Servicios anteriores de ${site.churchName}.`, url: `${base}/archivo`, image: `${base}/og.png` };
    return reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(renderSharePage(readFileSync(template, 'utf8'), tags));
  });
}

const Change = z
  .object({
    title: z.string().trim().min(1).max(200),
    description: z.string().max(4000),
    published: z.boolean(),
  })
  .partial()
  .strict();
const Trim = z.object({ start: z.number(), end: z.number() }).strict();
const SettingsChange = z
  .object({
    privateByDefault: z.boolean(),
    keepLast: z.number().int().min(1).max(10_000).nullable(),
    keepDays: z.number().int().min(1).max(36_500).nullable(),
  })
  .partial()
  .strict();

/** The admin's view of a recording: the public shape plus its status, sizes and pending trim. */
const toAdmin = (ctx: RoutesContext, r: Recording) => ({ ...toPublic(r), status: r.status, published: r.published, endedAt: r.endedAt, peakViewers: r.peakViewers, pendingTrim: r.pendingTrim, error: r.error, diskBytes: ctx.folderBytes(r.id), writing: ctx.writing() === r.id });
const find = (ctx: RoutesContext, params: unknown) => {
  const p = IdParams.safeParse(params);
  return p.success ? ctx.store.get(p.data.id) : undefined;
};
const ready = (reply: FastifyReply, r: Recording) => (r.status === 'ready' ? null : reply.code(409).send({ error: 'not_ready', message: 'La grabación aún no está lista / the recording is not ready yet' }));

/** The admin's recordings API: the list and settings, each recording's changes and files, and trimming. */
export function adminRecordingRoutes(admin: FastifyInstance, ctx: RoutesContext): void {
  adminRecordingManageRoutes(admin, ctx);
  adminRecordingTrimRoutes(admin, ctx);
}

/** List, settings, one recording (read, change, delete) and its files. */
function adminRecordingManageRoutes(admin: FastifyInstance, ctx: RoutesContext): void {
  admin.get('/recordings', async () => ({ recordings: ctx.store.list().map((r) => toAdmin(ctx, r)), disk: ctx.diskUsage(), settings: ctx.settings(), health: ctx.health() }));

  admin.get('/recordings/settings', async () => ctx.settings());
  admin.put('/recordings/settings', async (req, reply) => {
    const body = SettingsChange.safeParse(req.body ?? {});
    if (!body.success) return unprocessable(reply, zodMessage(body.error));
    const next = { ...ctx.settings(), ...body.data };
    ctx.saveSettings(next);
    return next;
  });

  admin.get('/recordings/:id', async (req, reply) => {
    const r = find(ctx, req.params);
    return r ? toAdmin(ctx, r) : notFound(reply);
  });

  admin.patch('/recordings/:id', async (req, reply) => {
    const r = find(ctx, req.params);
    if (!r) return notFound(reply);
    const body = Change.safeParse(req.body ?? {});
    if (!body.success) return unprocessable(reply, zodMessage(body.error));
    ctx.store.update(r.id, body.data);
    ctx.logger.info({ event: 'recording_changed', recording: r.id, fields: Object.keys(body.data) }, 'recording changed');
    return toAdmin(ctx, ctx.store.get(r.id)!);
  });

  admin.delete('/recordings/:id', async (req, reply) => {
    const r = find(ctx, req.params);
    if (!r) return notFound(reply);
    if (r.status === 'recording' || r.status === 'finalising') return reply.code(409).send({ error: 'busy', message: 'No se puede borrar mientras se graba / cannot delete while recording' });
    ctx.remove(r.id);
    return { ok: true };
  });

  admin.get('/recordings/:id/files/:file', async (req, reply) => {
    const r = find(ctx, req.params);
    const f = z.object({ file: z.enum(Object.keys(ADMIN_FILES) as [keyof typeof ADMIN_FILES]) }).safeParse(req.params);
    if (!r || !f.success) return notFound(reply);
    return sendFile(reply, ctx, r, ADMIN_FILES[f.data.file], (req.query as Record<string, unknown>).download === '1', 'private, no-store');
  });
}

/** Trim: prepared beside the original, which stays until the admin saves (or discards) it. */
function adminRecordingTrimRoutes(admin: FastifyInstance, ctx: RoutesContext): void {
  admin.post('/recordings/:id/trim', async (req, reply) => {
    const r = find(ctx, req.params);
    if (!r) return notFound(reply);
    if (ready(reply, r)) return reply;
    const body = Trim.safeParse(req.body ?? {});
    if (!body.success) return unprocessable(reply, zodMessage(body.error));
    const check = checkTrim(body.data.start, body.data.end, r.duration ?? 0);
    if (!check.ok) return unprocessable(reply, check.message);
    const made = await prepareTrim(ctx.tools, recordingDir(ctx.root, r.id)!, check.start, check.end);
    ctx.store.setPendingTrim(r.id, { start: check.start, end: check.end, ...made });
    return toAdmin(ctx, ctx.store.get(r.id)!);
  });

  admin.post('/recordings/:id/trim/save', async (req, reply) => {
    const r = find(ctx, req.params);
    if (!r) return notFound(reply);
    if (!r.pendingTrim) return reply.code(409).send({ error: 'no_trim', message: 'No hay un corte preparado / no trim prepared' });
    const files = await saveTrim(ctx.tools, recordingDir(ctx.root, r.id)!);
    ctx.store.finalised(r.id, files);
    ctx.store.setPendingTrim(r.id, null);
    ctx.logger.info({ event: 'recording_trimmed', recording: r.id, duration: Math.round(files.duration) }, 'recording trimmed');
    return toAdmin(ctx, ctx.store.get(r.id)!);
  });

  admin.delete('/recordings/:id/trim', async (req, reply) => {
    const r = find(ctx, req.params);
    if (!r) return notFound(reply);
    rmSync(path.join(recordingDir(ctx.root, r.id)!, RECORDING_FILES.trim), { force: true });
    ctx.store.setPendingTrim(r.id, null);
    return toAdmin(ctx, ctx.store.get(r.id)!);
  });
}

