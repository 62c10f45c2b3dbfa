import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { cleanupService, ensureBuilt, startService, type ServiceHandle } from '../helpers/platform.js';
import { adminCall, adminLogin } from '../helpers/ws-client.js';

const PASSWORD = 'panel-de-prueba-123';

describe('the admin API behind a real login', { timeout: 120_000 }, () => {
  let svc: ServiceHandle;
  before(async () => {
    ensureBuilt();
    svc = await startService({ ADMIN_PASSWORD: PASSWORD });
    // Stored (rotatable) keys instead of STREAM_KEY.
    delete svc.env.STREAM_KEY;
    await svc.stop();
    await svc.restart();
  });
  after(() => cleanupService(svc));

  test('every admin route refuses a visitor without a session', async () => {
    for (const [method, path] of [['GET', '/api/v1/admin/overview'], ['GET', '/api/v1/admin/stream-keys'], ['POST', '/api/v1/admin/stream-keys/rotate'], ['PUT', '/api/v1/admin/site'], ['GET', '/api/v1/admin/chat/export']] as const) {
      const r = await fetch(`${svc.base}${path}`, { method, headers: { 'content-type': 'application/json' }, body: method === 'GET' ? undefined : '{}' });
      assert.equal(r.status, 401, `${method} ${path}`);
      const body = await r.text();
      assert.doesNotMatch(body, /at .*\.(js|ts):\d+/, 'no stack trace');
    }
  });

  test('the session cookie is HttpOnly and SameSite=Strict; logout ends it', async () => {
    const r = await fetch(`${svc.base}/api/v1/admin/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ password: PASSWORD }) });
    const setCookie = r.headers.get('set-cookie') ?? '';
    assert.match(setCookie, /HttpOnly/);
    assert.match(setCookie, /SameSite=Strict/);
    const { csrfToken } = (await r.json()) as { csrfToken: string };
    const admin = { cookie: setCookie.split(';')[0]!, csrf: csrfToken };
    assert.equal((await adminCall(svc.base, admin, 'GET', '/api/v1/admin/overview')).status, 200);
    assert.equal((await adminCall(svc.base, admin, 'POST', '/api/v1/admin/logout')).status, 200);
    assert.equal((await adminCall(svc.base, admin, 'GET', '/api/v1/admin/overview')).status, 401);
  });

  test('the overview shows the state, the OBS server and the health figures', async () => {
    const admin = await adminLogin(svc.base, PASSWORD);
    const o = await adminCall(svc.base, admin, 'GET', '/api/v1/admin/overview');
    assert.equal(o.json.status.state, 'offline');
    assert.equal(o.json.obsServer, `rtmp://localhost:${svc.rtmpPort}/live`);
    assert.deepEqual(o.json.health.advice, []);
    assert.equal(o.json.health.nginxUp, true);
  });

  test('the site settings are validated, saved and shown to viewers', async () => {
    const admin = await adminLogin(svc.base, PASSWORD);
    const bad = await adminCall(svc.base, admin, 'PUT', '/api/v1/admin/site', { schedule: [{ day: 9, time: '25:00', title: '' }] });
    assert.equal(bad.status, 400);
    assert.match(bad.json.message, /schedule\.0\.day/);
    const evil = await adminCall(svc.base, admin, 'PUT', '/api/v1/admin/site', { logoUrl: 'javascript:alert(1)' });
    assert.equal(evil.status, 400);
    const ok = await adminCall(svc.base, admin, 'PUT', '/api/v1/admin/site', { churchName: 'Iglesia Casa del Padre Tocopilla', schedule: [{ day: 0, time: '11:00', title: 'Culto dominical' }, { day: 3, time: '20:00', title: 'Oración' }] });
    assert.equal(ok.status, 200);
    const site = (await (await fetch(`${svc.base}/api/v1/site`)).json()) as any;
    assert.equal(site.churchName, 'Iglesia Casa del Padre Tocopilla');
    assert.equal(site.schedule.length, 2);
    assert.equal(site.timezone, 'America/Santiago');
    // A link shared on WhatsApp shows the church's name: the page's own tags, absolute image URL.
    for (const path of ['/', '/embed', '/admin']) {
      const page = await (await fetch(`${svc.base}${path}`)).text();
      assert.match(page, /<meta property="og:title" content="Iglesia Casa del Padre Tocopilla — En vivo" \/>/, path);
      assert.match(page, new RegExp(`<meta property="og:image" content="http://localhost:${svc.httpPort}/og.png" />`), path);
    }
  });

  test('the stream key is shown only to the admin and rotating it replaces it', async () => {
    const admin = await adminLogin(svc.base, PASSWORD);
    const before = await adminCall(svc.base, admin, 'GET', '/api/v1/admin/stream-keys');
    const oldKey = before.json.keys[0].key as string;
    const rotated = await adminCall(svc.base, admin, 'POST', '/api/v1/admin/stream-keys/rotate');
    assert.equal(rotated.status, 200);
    assert.notEqual(rotated.json.key, oldKey);
    const afterKeys = await adminCall(svc.base, admin, 'GET', '/api/v1/admin/stream-keys');
    assert.deepEqual(afterKeys.json.keys.map((k: any) => k.key), [rotated.json.key]);
    assert.ok(!svc.logs().includes(rotated.json.key), 'the new key is not logged');
  });
});

describe('wrong passwords from the church\'s own network', { timeout: 120_000 }, () => {
  let svc: ServiceHandle;
  before(async () => {
    ensureBuilt();
    svc = await startService({ ADMIN_PASSWORD: PASSWORD });
  });
  after(() => cleanupService(svc));

  const login = (password: string, cookie?: string) =>
    fetch(`${svc.base}/api/v1/admin/login`, { method: 'POST', headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) }, body: JSON.stringify({ password }) });

  test('someone guessing on the same address cannot lock out the pastor\'s computer', async () => {
    // The pastor signed in before on this computer: it keeps a signed device cookie.
    const first = await login(PASSWORD);
    assert.equal(first.status, 200);
    const device = first.headers.getSetCookie().map((c) => c.split(';')[0]!).find((c) => c.startsWith('cdp_device='));
    assert.ok(device, 'a device cookie is set on a successful login');
    // A stranger on the same Wi-Fi (same address, no device cookie) guesses until refused.
    const guesses = [];
    for (let i = 0; i < 7; i++) guesses.push((await login(`adivina-${i}`)).status);
    assert.deepEqual(guesses, [401, 401, 401, 401, 401, 429, 429]);
    assert.equal((await login(PASSWORD)).status, 429, 'an unknown browser on that address waits');
    // The pastor's computer still gets in with the right password.
    assert.equal((await login(PASSWORD, device)).status, 200);
    // A viewer cookie passed off as a device cookie is not one (signed for another purpose).
    const viewer = (await fetch(`${svc.base}/api/v1/session`)).headers.get('set-cookie')!.split(';')[0]!.replace('cdp_sid=', 'cdp_device=');
    assert.equal((await login(PASSWORD, viewer)).status, 429);
    // And the device's own wrong attempts are limited too.
    const fromDevice = [];
    for (let i = 0; i < 6; i++) fromDevice.push((await login(`mal-${i}`, device)).status);
    assert.deepEqual(fromDevice, [401, 401, 401, 401, 401, 429]);
  });
});
