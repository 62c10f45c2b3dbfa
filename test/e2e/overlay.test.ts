/// <reference lib="dom" />
// (Code passed to page.evaluate runs in the browser: it is typed against the DOM.)
/**
 * The OBS chat overlay at /chat, in Chromium at 1920×1080 (an OBS browser source's size), against the real
 * built service: transparent page, messages from /ws and from the legacy /v1/websocket within a second,
 * moderation (delete, ban) at once, hostile text as text, the URL options, and not a viewer (no count, no
 * cookie), and it comes back after a service restart. Its memory over 10,000 messages is
 * overlay-memory.test.ts's subject.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { cleanupService, sleep, startService, waitFor, type ServiceHandle } from '../helpers/platform.js';
import { alphaAt, decodePng } from '../helpers/png.js';
import { adminCall, adminLogin, connect, type TestSocket } from '../helpers/ws-client.js';
import { describeProblems, launchBrowser, newViewer, snapshotWebDist, type Viewer } from './browser.js';

const PASSWORD = 'clave-de-prueba-e2e-overlay';
const BROADCAST = { width: 1920, height: 1080 } as const;

interface Shown {
  nick: string | null;
  text: string;
}

async function shown(page: Page): Promise<Shown[]> {
  return page.locator('.overlay-lines > .overlay-line').evaluateAll((items) =>
    items.map((li) => ({ nick: li.querySelector('.overlay-nick')?.textContent ?? null, text: li.querySelector('.overlay-text')?.textContent ?? '' })),
  );
}

const waitShown = (page: Page, text: string, timeoutMs = 10_000) =>
  waitFor(`"${text}" on the overlay`, async () => (await shown(page)).find((m) => m.text === text), timeoutMs, 20);
const waitGone = (page: Page, text: string, timeoutMs = 10_000) =>
  waitFor(`"${text}" to leave the overlay`, async () => !(await shown(page)).some((m) => m.text === text), timeoutMs, 20);

describe('the OBS chat overlay at /chat (Chromium, 1920×1080)', { timeout: 180_000 }, () => {
  let svc: ServiceHandle;
  let browser: Browser;
  let web: ReturnType<typeof snapshotWebDist>;
  let admin: { cookie: string; csrf: string };
  const opened: Viewer[] = [];
  const sockets: TestSocket[] = [];

  /** An overlay page (its own browser context: its own cookies), connected to the chat. */
  async function overlay(query = ''): Promise<Viewer> {
    const v = await newViewer(browser, { viewport: BROADCAST });
    opened.push(v);
    await v.page.goto(`${svc.base}/chat${query}`);
    await v.page.locator('.overlay[data-socket="open"]').waitFor({ timeout: 10_000 });
    return v;
  }

  /** A viewer of the new protocol with a name; `say` waits for the server's ack and gives the message id. */
  async function chatter(nick: string, url = `ws://127.0.0.1:${svc.httpPort}/ws`) {
    const s = await connect(url);
    sockets.push(s);
    s.send({ type: 'hello', nick });
    await s.next((m) => m.type === 'welcome', `welcome for ${nick}`);
    let n = 0;
    return {
      socket: s,
      async say(text: string): Promise<string> {
        for (;;) {
          const clientId = `c${n++}`;
          s.send({ type: 'chat', text, clientId });
          const r = await s.next((m) => m.clientId === clientId, `the answer to "${text}"`);
          if (r.type === 'ack') return r.id as string;
          if (r.code !== 'rate_limited') throw new Error(`"${text}" refused: ${JSON.stringify(r)}`);
          await sleep(((r.retryAfterSec as number) ?? 1) * 1000);
        }
      },
    };
  }

  const assertClean = (v: Viewer) => assert.equal(v.unexpectedProblems().length, 0, describeProblems(v.problems));

  before(async () => {
    web = snapshotWebDist();
    svc = await startService({ ADMIN_PASSWORD: PASSWORD, WEB_ROOT: web.dir });
    admin = await adminLogin(svc.base, PASSWORD);
    browser = await launchBrowser();
  });

  after(async () => {
    for (const s of sockets) s.close();
    for (const v of opened) await v.close();
    await browser?.close().catch(() => {});
    await cleanupService(svc);
    web?.remove();
  });

  test('/chat is its own light page on a transparent background: where no message is, pixels are fully transparent', async () => {
    const v = await overlay();
    const ana = await chatter('Ana');
    await ana.say('Saludos desde Maipú');
    await waitShown(v.page, 'Saludos desde Maipú');
    const page = await v.page.evaluate(() => ({
      html: getComputedStyle(document.documentElement).backgroundColor,
      body: getComputedStyle(document.body).backgroundColor,
      app: document.querySelector('.stage, .chat-composer, video') !== null,
      scripts: performance.getEntriesByType('resource').map((e) => e.name).filter((n) => /\.js$/.test(n)),
    }));
    assert.deepEqual([page.html, page.body], ['rgba(0, 0, 0, 0)', 'rgba(0, 0, 0, 0)']);
    assert.equal(page.app, false, 'no player, no composer: the overlay only');
    assert.ok(!page.scripts.some((s) => /hls/i.test(s)), `no hls.js: ${page.scripts.join(', ')}`);

    const img = decodePng(await v.page.screenshot({ omitBackground: true }));
    assert.deepEqual([img.width, img.height], [1920, 1080]);
    const box = (await v.page.locator('.overlay-line').last().boundingBox())!;
    // The message sits at the bottom; the top half of the picture is empty, and empty means alpha 0.
    assert.ok(box.y > 540, `newest at the bottom (y=${box.y})`);
    for (const [x, y] of [[0, 0], [960, 100], [1919, 300], [500, 540], [1900, 1079]] as const) assert.equal(alphaAt(img, x, y), 0, `alpha at ${x},${y}`);
    let drawn = 0;
    for (let y = Math.floor(box.y); y < box.y + box.height; y++) for (let x = Math.floor(box.x); x < box.x + box.width; x++) if (alphaAt(img, x, y) > 0) drawn++;
    assert.ok(drawn > 500, `the message's letters are drawn (${drawn} opaque pixels)`);
    assertClean(v);
  });

  test('messages from /ws and from the legacy /v1/websocket appear within a second; hostile text stays text', async () => {
    const v = await overlay();
    const beto = await chatter('Beto');
    let t0 = Date.now();
    await beto.say('Bendiciones a la familia');
    assert.deepEqual(await waitShown(v.page, 'Bendiciones a la familia', 1000), { nick: 'Beto', text: 'Bendiciones a la familia' });
    const viaWs = Date.now() - t0;

    const legacy = await connect(`ws://127.0.0.1:${svc.httpPort}/v1/websocket`);
    sockets.push(legacy);
    t0 = Date.now();
    legacy.send({ action: 'chat-message', data: { message: 'Amén desde el frontend antiguo', username: 'José Avello', sendedAt: Date.now(), sendedBy: 'jose-1' } });
    assert.deepEqual(await waitShown(v.page, 'Amén desde el frontend antiguo', 1000), { nick: 'José Avello', text: 'Amén desde el frontend antiguo' });
    const viaLegacy = Date.now() - t0;
    console.log(`FIGURE overlay: /ws message shown after ${viaWs} ms, legacy after ${viaLegacy} ms`);

    const hostile = '<img src=x onerror="window.__pwned=1">';
    await beto.say(hostile);
    assert.equal((await waitShown(v.page, hostile)).text, hostile);
    await sleep(500);
    assert.equal(await v.page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned), undefined);
    assert.equal(await v.page.locator('.overlay img, .overlay script').count(), 0);
    // Newest at the bottom.
    assert.deepEqual((await shown(v.page)).slice(-3).map((m) => m.text), ['Bendiciones a la familia', 'Amén desde el frontend antiguo', hostile]);
    assertClean(v);
  });

  test('a moderator’s deletion removes a message at once; a ban removes the author’s messages', async () => {
    const v = await overlay();
    const carla = await chatter('Carla');
    const troll = await chatter('Molesto');
    const keep = await carla.say('Este se queda');
    const gone = await carla.say('Este será borrado');
    await troll.say('spam uno');
    const second = await troll.say('spam dos');
    await waitShown(v.page, 'spam dos');
    const del = await adminCall(svc.base, admin, 'DELETE', `/api/v1/admin/chat/messages/${encodeURIComponent(gone)}`);
    assert.ok(del.status >= 200 && del.status < 300, `delete answered ${del.status}`);
    await waitGone(v.page, 'Este será borrado', 1000);
    const ban = await adminCall(svc.base, admin, 'POST', '/api/v1/admin/chat/sanctions', { messageId: second });
    assert.ok(ban.status >= 200 && ban.status < 300, `ban answered ${ban.status} ${ban.text}`);
    await waitGone(v.page, 'spam uno', 1000);
    await waitGone(v.page, 'spam dos', 1000);
    assert.ok((await shown(v.page)).some((m) => m.text === 'Este se queda'), `${keep} stays`);
    // The ban also covers new sessions from its address (here every test's): lift it for the next tests.
    const list = await adminCall(svc.base, admin, 'GET', '/api/v1/admin/chat/sanctions');
    for (const s of list.json.sanctions) await adminCall(svc.base, admin, 'DELETE', `/api/v1/admin/chat/sanctions/${encodeURIComponent(s.id)}`);
    // A pinned message shows only where ?pinned=1 asks for it.
    const withPin = await overlay('?pinned=1');
    const pin = await adminCall(svc.base, admin, 'PUT', '/api/v1/admin/chat/pin', { messageId: keep });
    assert.ok(pin.status >= 200 && pin.status < 300, `pin answered ${pin.status} ${pin.text}`);
    await withPin.page.locator('.overlay-pinned', { hasText: 'Este se queda' }).waitFor({ timeout: 2000 });
    assert.equal(await v.page.locator('.overlay-pinned').count(), 0, 'not without ?pinned=1');
    // A cleared chat leaves the broadcast too.
    const clear = await adminCall(svc.base, admin, 'POST', '/api/v1/admin/chat/clear');
    assert.ok(clear.status >= 200 && clear.status < 300, `clear answered ${clear.status}`);
    await waitFor('the overlay to empty', async () => (await shown(v.page)).length === 0, 1000, 20);
    await withPin.page.locator('.overlay-pinned').waitFor({ state: 'detached', timeout: 1000 });
    assertClean(v);
    assertClean(withPin);
  });

  test('the options do what the URL says; bad values fall back to the defaults', async () => {
    const plain = await overlay();
    const custom = await overlay('?size=72&align=right&names=0&max=2&theme=light&fade=3');
    const bad = await overlay('?size=abc&max=-1&fade=x&names=7&theme=neon&align=middle&pinned=maybe');
    const dora = await chatter('Dora');
    const texts = ['Primero', 'Segundo', 'Tercero'];
    for (const t of texts) await dora.say(t);
    await Promise.all([plain, custom, bad].map((v) => waitShown(v.page, 'Tercero')));
    const leftAt = Date.now() + 3000;
    const style = (v: Viewer) =>
      v.page.locator('.overlay-line').last().evaluate((li) => {
        const s = getComputedStyle(li);
        const box = li.getBoundingClientRect();
        return { fontSize: s.fontSize, textAlign: s.textAlign, color: s.color, right: Math.round(window.innerWidth - box.right) };
      });
    const [p, c, b] = [await style(plain), await style(custom), await style(bad)];
    assert.deepEqual([p.fontSize, p.textAlign, p.color], ['48px', 'left', 'rgb(255, 255, 255)']);
    assert.deepEqual([c.fontSize, c.textAlign, c.color], ['72px', 'right', 'rgb(17, 17, 17)']);
    assert.ok(c.right < 100, `right-aligned lines end at the right edge (${c.right} px from it)`);
    assert.deepEqual(b, p, 'bad values: the defaults');
    // names=0 hides names; max=2 keeps the two newest.
    assert.deepEqual(await shown(custom.page), [{ nick: null, text: 'Segundo' }, { nick: null, text: 'Tercero' }]);
    assert.deepEqual((await shown(bad.page)).slice(-3), texts.map((text) => ({ nick: 'Dora', text })));
    assert.ok((await shown(plain.page)).length >= 3);
    // fade=3: gone 3 s after arriving (give the page a second); the default (30 s) keeps them.
    await waitFor('fade=3 to empty the overlay', async () => (await shown(custom.page)).length === 0, leftAt - Date.now() + 1500, 50);
    assert.ok(Date.now() >= leftAt - 1000, 'not before their time');
    assert.ok((await shown(plain.page)).some((m) => m.text === 'Tercero'), 'the default keeps them longer');
    for (const v of [plain, custom, bad]) assertClean(v);
  });

  test('the admin’s OBS card builds the URL from its controls and previews it live (no CSP errors)', async () => {
    const v = await newViewer(browser, { viewport: { width: 1280, height: 900 } });
    opened.push(v);
    const page = v.page;
    await page.goto(`${svc.base}/admin`);
    await page.getByLabel('Contraseña').fill(PASSWORD);
    await page.getByRole('button', { name: 'Entrar' }).click();
    await page.getByRole('heading', { name: 'Chat en la transmisión' }).waitFor({ timeout: 15_000 });
    const url = page.getByLabel('Dirección para OBS', { exact: true });
    assert.equal(await url.inputValue(), `${svc.base}/chat`);
    await page.getByLabel('Tamaño de letra (px)').fill('64');
    await page.getByLabel('Alineación').selectOption('right');
    await page.getByLabel('Mostrar nombres').uncheck();
    assert.equal(await url.inputValue(), `${svc.base}/chat?size=64&names=0&align=right`);
    // A value out of range is pointed out, and the URL keeps the default meanwhile.
    await page.getByLabel('Mensajes a la vez').fill('500');
    await page.getByText('Entre 1 y 50; mientras tanto se usa 8.').waitFor({ timeout: 5000 });
    assert.equal(await url.inputValue(), `${svc.base}/chat?size=64&names=0&align=right`);
    const frame = page.frameLocator('.adm-overlay-preview iframe');
    await frame.locator('.overlay[data-socket="open"]').waitFor({ timeout: 10_000 });
    assert.equal(await page.locator('.adm-overlay-preview iframe').getAttribute('src'), '/chat?size=64&names=0&align=right');
    const eva = await chatter('Eva');
    await eva.say('Se ve en la vista previa');
    const line = frame.locator('.overlay-line', { hasText: 'Se ve en la vista previa' });
    await line.waitFor({ timeout: 5000 });
    assert.deepEqual(await line.evaluate((li) => [getComputedStyle(li).fontSize, getComputedStyle(li).textAlign, li.querySelector('.overlay-nick')]), ['64px', 'right', null]);
    assertClean(v);
  });

  test('the overlay is not counted as a viewer and gets no cookie; anything it sends is refused', async () => {
    const viewers = async () => (await svc.status()).viewers;
    for (const s of sockets.splice(0)) s.close();
    for (const v of opened.splice(0)) await v.close();
    await waitFor('no viewers left', async () => (await viewers()) === 0, 10_000, 200);
    const pages = [await overlay(), await overlay('?joins=1&pinned=1')];
    // The count is recomputed every 2 s: wait three rounds.
    await sleep(6500);
    assert.equal(await viewers(), 0, 'two overlays open, no viewer counted');
    for (const v of pages) assert.deepEqual(await v.context.cookies(), [], 'no cookie');
    const raw = await connect(`ws://127.0.0.1:${svc.httpPort}/ws?overlay=1`);
    sockets.push(raw);
    assert.equal(raw.cookie, undefined, 'the upgrade sets no cookie');
    raw.send({ type: 'hello', nick: 'OBS' });
    raw.send({ type: 'chat', text: 'desde OBS', clientId: 'x' });
    for (let i = 0; i < 2; i++) assert.equal((await raw.next((m) => m.type === 'error' && m.code === 'read_only', 'read_only')).code, 'read_only');
    // The control: an ordinary viewer socket is counted, and gets its cookie.
    const viewer = await connect(`ws://127.0.0.1:${svc.httpPort}/ws`);
    sockets.push(viewer);
    assert.match(viewer.cookie ?? '', /^cdp_sid=/);
    await waitFor('the viewer to be counted', async () => (await viewers()) === 1, 10_000, 200);
    for (const v of pages) assertClean(v);
  });

  test('after a service restart the overlay reconnects by itself and shows new messages', async () => {
    const v = await overlay('?fade=0');
    await svc.stop();
    await v.page.locator('.overlay[data-socket="closed"], .overlay[data-socket="connecting"]').first().waitFor({ timeout: 10_000 });
    await svc.restart();
    await v.page.locator('.overlay[data-socket="open"]').waitFor({ timeout: 20_000 });
    const fer = await chatter('Fernanda');
    await fer.say('Volvimos después del reinicio');
    await waitShown(v.page, 'Volvimos después del reinicio', 2000);
    // The socket's drop and its retries are expected (console errors of a refused connection); nothing threw.
    assert.deepEqual(v.problems.filter((p) => p.kind === 'pageerror'), []);
  });
});
