import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { DelayMode } from '../../observe/delay-mode.js';

const DelayBody = z.object({ lowDelay: z.boolean() }).strict();

/** GET/PUT /delay under the admin plugin (its guard, CSRF check and limit): the low-delay mode. */
export function delayRoutes(admin: FastifyInstance, delay: DelayMode): void {
  admin.get('/delay', async () => delay.view());
  admin.put('/delay', async (req, reply) => {
    const body = DelayBody.safeParse(req.body);
    if (!body.success) {
      return reply.code(400).send({ error: 'invalid', message: 'Se espera {"lowDelay": true | false} / expected {"lowDelay": true | false}', issues: body.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) });
    }
    return delay.set(body.data.lowDelay);
  });
}
