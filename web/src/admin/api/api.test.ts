import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ApiError, createAdminClient, exportUrl, localMessage, login, resumeSession, type FetchLike } from './api';

interface Call {
  url: string;
  init: RequestInit | undefined;
}

function fakeFetch(answer: (url: string, init?: RequestInit) => Response): { f: FetchLike; calls: Call[] } {
  const calls: Call[] = [];
  return {
    calls,
    f: async (url, init) => {
      calls.push({ url, init });
      return answer(url, init);
    },
  };
}

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
const header = (c: Call, name: string) => (c.init?.headers as Record<string, string> | undefined)?.[name];

test('changes carry the CSRF token; reads do not need it', async () => {
  const { f, calls } = fakeFetch(() => json(200, { ok: true }));
  const client = createAdminClient({ csrfToken: 'tok-123', onSignedOut: () => assert.fail('not signed out'), fetch: f });
  await client.deleteMessage('a/b');
  await client.sanction('m1', 15);
  await client.chatSettings();
  assert.equal(calls[0]?.url, '/api/v1/admin/chat/messages/a%2Fb');
  assert.equal(calls[0]?.init?.method, 'DELETE');
  assert.equal(header(calls[0]!, 'x-csrf-token'), 'tok-123');
  assert.equal(header(calls[0]!, 'content-type'), undefined, 'no JSON type without a body');
  assert.equal(calls[1]?.init?.body, JSON.stringify({ messageId: 'm1', minutes: 15 }));
  assert.equal(header(calls[1]!, 'content-type'), 'application/json');
  assert.equal(header(calls[2]!, 'x-csrf-token'), undefined);
});

test('a block is a sanction without minutes', async () => {
  const { f, calls } = fakeFetch(() => json(200, { id: 's1' }));
  await createAdminClient({ csrfToken: 't', onSignedOut: () => {}, fetch: f }).sanction('m1');
  assert.equal(calls[0]?.init?.body, JSON.stringify({ messageId: 'm1' }));
});

test('a 401 from any call signs the page out', async () => {
  let signedOut = 0;
  const { f } = fakeFetch(() => json(401, { error: 'unauthorized', message: 'Inicie sesión / sign in' }));
  const client = createAdminClient({ csrfToken: 't', onSignedOut: () => signedOut++, fetch: f });
  await assert.rejects(client.overview(), (e: unknown) => e instanceof ApiError && e.status === 401);
  assert.equal(signedOut, 1);
});

test("a refusal carries the server's message; a network failure is status 0", async () => {
  const { f } = fakeFetch(() => json(409, { error: 'KEY_FROM_ENV', message: 'La clave viene de STREAM_KEY; cámbiela allí / the key is set by STREAM_KEY; change it there' }));
  const client = createAdminClient({ csrfToken: 't', onSignedOut: () => {}, fetch: f });
  await assert.rejects(client.rotateKey(), (e: unknown) => e instanceof ApiError && e.status === 409 && e.code === 'KEY_FROM_ENV' && /STREAM_KEY/.test(e.message));
  const offline = createAdminClient({ csrfToken: 't', onSignedOut: () => {}, fetch: async () => Promise.reject(new TypeError('Failed to fetch')) });
  await assert.rejects(offline.site(), (e: unknown) => e instanceof ApiError && e.status === 0);
});

test('the server\'s "español / English" messages are shown in the page\'s language', () => {
  const m = 'Demasiados intentos; espere 12 s / too many attempts; wait 12 s';
  assert.equal(localMessage(m, 'es'), 'Demasiados intentos; espere 12 s');
  assert.equal(localMessage(m, 'en'), 'too many attempts; wait 12 s');
  assert.equal(localMessage('schedule.0.time: debe ser HH:MM', 'en'), 'schedule.0.time: debe ser HH:MM');
});

test('login returns the CSRF token, or the rate-limit message', async () => {
  const ok = fakeFetch(() => json(200, { csrfToken: 'c1', expiresAt: '2026-12-01T00:00:00Z' }));
  assert.deepEqual(await login('pastor-prueba-123', ok.f), { ok: true, csrfToken: 'c1' });
  assert.equal(ok.calls[0]?.init?.body, JSON.stringify({ password: 'pastor-prueba-123' }));
  const limited = fakeFetch(() => json(429, { error: 'rate_limited', message: 'Demasiados intentos; espere 12 s / too many attempts; wait 12 s' }));
  assert.deepEqual(await login('x', limited.f), { ok: false, status: 429, message: 'Demasiados intentos; espere 12 s / too many attempts; wait 12 s' });
});

test('a session is resumed only when the server returns its CSRF token', async () => {
  assert.equal(await resumeSession(fakeFetch(() => json(200, { csrfToken: 'c2' })).f), 'c2');
  assert.equal(await resumeSession(fakeFetch(() => json(200, {})).f), null);
});

test('a malformed overview still yields something the page can show', async () => {
  const { f } = fakeFetch(() => json(200, { status: { state: 'live' }, health: { advice: ['keyframe_too_long', 'nonsense'], renditions: [{ id: 'source', ready: true, segments: 3 }, 7] } }));
  const o = await createAdminClient({ csrfToken: 't', onSignedOut: () => {}, fetch: f }).overview();
  assert.equal(o.status.state, 'live');
  assert.deepEqual(o.health.advice, ['keyframe_too_long']);
  assert.equal(o.health.renditions.length, 1);
  assert.equal(o.session, null);
  assert.equal(o.obsServer, '');
  assert.deepEqual(o.publicUrl, { url: '', local: false, suggestion: null }, 'no notice unless the server says so');
});

test('chat exports are plain links, per broadcast or for everything', () => {
  assert.equal(exportUrl('csv', 12), '/api/v1/admin/chat/export?format=csv&session=12');
  assert.equal(exportUrl('json', null), '/api/v1/admin/chat/export?format=json');
});
