import type { FastifyInstance, FastifyReply } from 'fastify';
import type { z } from 'zod';
import { DestinationChangeBody, NewDestinationBody, PRESETS, urlFromPreset, type Destination } from './destinations.js';
import type { DestinationView } from './types.js';
import type { DestinationStore } from './store.js';

export interface SimulcastRouteDeps {
  store: DestinationStore;
  /** The redactor learns every key before it is stored. */
  learnKey(key: string): void;
  view(d: Destination): DestinationView;
  list(): DestinationView[];
  changed(what: 'added' | 'changed' | 'removed', d: Destination): void;
}

/** 422 naming the field, in the API's `{error, message}` shape; nothing is saved. */
const invalid = (reply: FastifyReply, field: string, message: string) =>
  reply.code(422).send({ error: 'invalid', field, message: `${field}: ${message}` });

const zodInvalid = (reply: FastifyReply, error: z.ZodError) => {
  const issue = error.issues[0];
  const field = issue?.path.join('.') || 'body';
  return invalid(reply, field, issue?.message ?? 'inválido / invalid');
};

const notFound = (reply: FastifyReply) => reply.code(404).send({ error: 'not_found', message: 'No existe ese destino / no such destination' });

/** The simulcast admin API, relative to /api/v1/admin (already behind the login and CSRF guard). */
export function simulcastRoutes(admin: FastifyInstance, d: SimulcastRouteDeps): void {
  admin.get('/simulcast', async () => ({
    presets: PRESETS.map((p) => ({ id: p.id, label: p.label, url: p.url })),
    destinations: d.list(),
  }));

  admin.post('/simulcast', async (req, reply) => {
    const body = NewDestinationBody.safeParse(req.body ?? {});
    if (!body.success) return zodInvalid(reply, body.error);
    const url = urlFromPreset(body.data.preset, body.data.url);
    if (!url.ok) return invalid(reply, url.field, url.message);
    d.learnKey(body.data.key);
    const created = d.store.add({ name: body.data.name, url: url.url, key: body.data.key, enabled: body.data.enabled });
    d.changed('added', created);
    return reply.code(201).send(d.view(created));
  });

  admin.patch<{ Params: { id: string } }>('/simulcast/:id', async (req, reply) => {
    const current = d.store.get(req.params.id);
    if (!current) return notFound(reply);
    const body = DestinationChangeBody.safeParse(req.body ?? {});
    if (!body.success) return zodInvalid(reply, body.error);
    const { preset, url: rawUrl, ...rest } = body.data;
    let url: string | undefined;
    if (preset !== undefined || rawUrl !== undefined) {
      const u = urlFromPreset(preset, rawUrl ?? (preset === 'other' ? current.url : undefined));
      if (!u.ok) return invalid(reply, u.field, u.message);
      url = u.url;
    }
    if (rest.key) d.learnKey(rest.key);
    const next = d.store.update(current.id, { ...rest, ...(url ? { url } : {}) })!;
    d.changed('changed', next);
    return d.view(next);
  });

  admin.delete<{ Params: { id: string } }>('/simulcast/:id', async (req, reply) => {
    const current = d.store.get(req.params.id);
    if (!current || !d.store.remove(current.id)) return notFound(reply);
    d.changed('removed', current);
    return { ok: true };
  });
}
