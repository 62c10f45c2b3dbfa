import type { FastifyInstance } from 'fastify';
import { SITE_TIME_ZONE, type SiteSettings } from '../../storage/site-settings.js';

/**
 * The public read routes beside /api/v1/status (registered in the `/api` scope: CORS, public limit):
 * the church's site settings for the pages, and the route that gives a browser its viewer cookie.
 */
export function publicSiteRoutes(site: SiteSettings) {
  return (api: FastifyInstance) => {
    api.get('/v1/site', async () => ({ ...site.get(), timezone: SITE_TIME_ZONE }));
    api.get('/v1/session', async (_req, reply) => reply.code(204).send());
  };
}
