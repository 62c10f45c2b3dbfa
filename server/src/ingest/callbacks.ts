import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Logger } from '../log/logger.js';
import type { Ladder } from '../transcode/ladder.js';
import type { PublishAuth } from './publish-auth.js';

/** nginx-rtmp's notify body (form-encoded). It sends more fields; we read only these. */
const NotifySchema = z
  .object({
    call: z.string().max(32),
    app: z.string().max(64),
    name: z.string().max(512).default(''),
    addr: z.string().max(64).optional(),
    clientid: z.string().max(32).optional(),
  })
  .loose();

const TokenQuery = z.object({ token: z.string().max(128).default('') }).loose();

export interface CallbackDeps {
  auth: PublishAuth;
  ladder: Ladder;
  callbackToken: string;
  logger: Logger;
  /** Before a broadcast's renditions publish (sequence-seed.ts); a failure is logged, the publish goes on. */
  seedPlaylists(): Promise<string[]>;
  /** Resolves when the publisher may start sending (the ladder is ready for its first keyframe). */
  onPublishStarted(): void | Promise<void>;
  onPublishDone(): Promise<void>;
}

const digest = (s: string) => createHash('sha256').update(s).digest();

/**
 * nginx's on_publish / on_publish_done (the seed's paths). They are served on the internal listener only
 * (the public port answers 404) and must carry the shared token nginx was configured with.
 *
 * A valid key is answered with a redirect whose Location is the public name: nginx-rtmp then renames the
 * stream, so the key never appears in a playlist, a segment's path or a URL.
 */
export function callbackRoutes(app: FastifyInstance, d: CallbackDeps): void {
  void app.register(async (callbacks) => callbackPlugin(callbacks, d));
}

/** The callbacks as an encapsulated plugin: the token check is its own hook, for its routes only. */
function callbackPlugin(app: FastifyInstance, d: CallbackDeps): void {
  const internalNames = new Set(d.ladder.all.map((r) => r.streamName));
  const expected = digest(d.callbackToken);

  app.addHook('preHandler', async (req, reply) => {
    const q = TokenQuery.safeParse(req.query);
    if (!q.success || !timingSafeEqual(digest(q.data.token), expected)) {
      d.logger.warn({ event: 'callback_forbidden', ip: req.ip }, 'callback without the right token');
      return reply.code(403).send('forbidden');
    }
  });

  app.post('/v1/streaming/on', async (req, reply) => {
    const body = NotifySchema.safeParse(req.body);
    if (!body.success) return reply.code(400).send('bad request');
    const { app: rtmpApp, name, addr, call } = body.data;
    if (call !== 'publish') return reply.code(200).send('ok');
    if (rtmpApp === 'live') {
      if (!d.auth.check(name)) {
        d.logger.warn({ event: 'publish_rejected', stream: d.ladder.name, addr }, 'publish refused: wrong stream key');
        return reply.code(403).send('forbidden');
      }
      d.logger.info({ event: 'publish_accepted', stream: d.ladder.name, addr }, 'publisher connected');
      await seed(d);
      await d.onPublishStarted();
      // nginx-rtmp: a 3xx whose Location is not an rtmp:// URL renames the stream.
      return reply.code(302).header('location', d.ladder.name).send('');
    }
    if (rtmpApp === 'hls' && internalNames.has(name)) return reply.code(200).send('ok');
    d.logger.warn({ event: 'publish_rejected', app: rtmpApp, addr }, 'publish refused: unknown application or stream');
    return reply.code(403).send('forbidden');
  });

  app.post('/v1/streaming/off', async (req, reply) => {
    const body = NotifySchema.safeParse(req.body);
    if (!body.success) return reply.code(400).send('bad request');
    if (body.data.app === 'live') {
      d.logger.info({ event: 'publish_done', stream: d.ladder.name, addr: body.data.addr }, 'publisher disconnected');
      await d.onPublishDone();
    }
    return reply.code(200).send('ok');
  });
}

async function seed(d: CallbackDeps): Promise<void> {
  try {
    const seeded = await d.seedPlaylists();
    if (seeded.length > 0) d.logger.info({ event: 'media_sequence_seeded', stream: d.ladder.name, renditions: seeded }, 'new playlists continue from the clock');
  } catch (err) {
    d.logger.error({ event: 'media_sequence_seed_failed', stream: d.ladder.name, code: (err as NodeJS.ErrnoException).code }, 'could not prepare the playlists: segment numbering may restart');
  }
}
