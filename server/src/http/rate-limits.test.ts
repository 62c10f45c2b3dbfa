import { test } from 'node:test';
import assert from 'node:assert/strict';
import Fastify from 'fastify';
import { installRateLimits, limitRoutes } from './rate-limits.js';

/** A plugin limited as 'admin' with one route declared 'login', and an unlimited route beside it. */
async function build() {
  const app = Fastify({ trustProxy: ['127.0.0.1'] });
  await installRateLimits(app);
  await app.register(
    async (scope) => {
      limitRoutes(scope, { login: 1, admin: 2, public: 100 }, 'admin');
      scope.get('/thing', async () => ({ ok: true }));
      scope.post('/login', { config: { apiGroup: 'login' } }, async () => ({ ok: true }));
    },
    { prefix: '/api/v1/admin' },
  );
  app.get('/healthz', async () => ({ ok: true }));
  return app;
}

test('a plugin\'s routes count against its group, whatever the spelling the router decoded', async (t) => {
  const app = await build();
  t.after(() => app.close());
  const statuses = [];
  for (const url of ['/api/v1/admin/thing', '/api/v1/%61dmin/thing', '/api/v1/admin/th%69ng']) statuses.push((await app.inject({ url })).statusCode);
  assert.deepEqual(statuses, [200, 200, 429], 'the encoded spellings share the one allowance of 2');
  const limited = await app.inject({ url: '/api/v1/admin/thing' });
  assert.equal(JSON.parse(limited.body).error, 'rate_limited');
  assert.match(JSON.parse(limited.body).message, /Demasiadas solicitudes; intente de nuevo en \d+ s/);
});

test('a route declared in another group has its own allowance', async (t) => {
  const app = await build();
  t.after(() => app.close());
  assert.equal((await app.inject({ method: 'POST', url: '/api/v1/admin/login' })).statusCode, 200);
  assert.equal((await app.inject({ method: 'POST', url: '/api/v1/%61dmin/login' })).statusCode, 429);
  assert.equal((await app.inject({ url: '/api/v1/admin/thing' })).statusCode, 200, 'the admin allowance is untouched');
});

test('routes outside a limited plugin are not limited here', async (t) => {
  const app = await build();
  t.after(() => app.close());
  for (let i = 0; i < 5; i++) assert.equal((await app.inject({ url: '/healthz' })).statusCode, 200);
});
