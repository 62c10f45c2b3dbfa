/**
 * Join notices in the browser: "NOMBRE está viendo" when a viewer enters the chat with a name, seen by
 * another viewer's page and by the church's legacy frontend's socket; never in history; and none at all
 * once the admin switches them off (checked after a control message that does arrive).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { cleanupService, startService, waitFor, type ServiceHandle } from '../helpers/platform.js';
import { adminCall, adminLogin, connect, type TestSocket } from '../helpers/ws-client.js';
import { describeProblems, enterChat, launchBrowser, newViewer, snapshotWebDist, type Viewer } from './browser.js';

const PASSWORD = 'clave-de-prueba-e2e-avisos';

const joinLines = (page: Page) => page.locator('.chat-messages > .chat-join').evaluateAll((items) => items.map((li) => (li.textContent ?? '').trim()));
const texts = (page: Page) => page.locator('.chat-messages .chat-text').evaluateAll((items) => items.map((el) => el.textContent ?? ''));


describe('join notices in the browser (Chromium): to other viewers and legacy clients, switchable off', { timeout: 120_000 }, () => {
  let svc: ServiceHandle | undefined;
  let browser: Browser | undefined;
  let web: ReturnType<typeof snapshotWebDist> | undefined;
  let legacy: TestSocket | undefined;
  const viewers: Viewer[] = [];
  const open = async () => {
    const v = await newViewer(browser!);
    viewers.push(v);
    await v.page.goto(`${svc!.base}/`);
    return v;
  };
  const legacyNotices = () => legacy!.messages.filter((m) => m.action === 'chat-message' && m.data?.identify === true).map((m) => m.data.username as string);

  before(async () => {
    web = snapshotWebDist();
    svc = await startService({ ADMIN_PASSWORD: PASSWORD, WEB_ROOT: web.dir });
    legacy = await connect(`ws://127.0.0.1:${svc.httpPort}/v1/websocket`);
    browser = await launchBrowser();
  });
  after(async () => {
    legacy?.close();
    await browser?.close().catch(() => {});
    await cleanupService(svc);
    web?.remove();
  });

  test('a viewer entering the chat in browser A is announced in browser B and to a legacy client, and is no history', async () => {
    const b = await open();
    await enterChat(b.page, 'Beto');
    const a = await open();
    await enterChat(a.page, 'José Avello');
    await waitFor('the notice in browser B', async () => (await joinLines(b.page)).includes('José Avello está viendo'), 10_000, 100);
    const atLegacy = await legacy!.next((m) => m.action === 'chat-message' && m.data?.identify === true && m.data.username === 'José Avello', 'the notice at the legacy client', 10_000);
    assert.match(atLegacy.data.message, /José Avello esta viendo/);
    assert.equal(typeof atLegacy.data.sendedAt, 'number');
    // Shown as a notice, not a message: no chat text, no moderator badge.
    assert.ok(!(await texts(b.page)).some((t) => t.includes('José Avello')));
    const history = (await (await fetch(`${svc!.base}/v1/streaming`)).json()) as { chat: { username: string }[] };
    assert.ok(!history.chat.some((m) => m.username === 'José Avello'), 'not stored');
    const late = await open();
    await late.page.getByText('¿Cuál es su nombre?').waitFor({ timeout: 10_000 });
    await late.page.waitForTimeout(500);
    assert.deepEqual(await joinLines(late.page), [], 'a page opened later gets no notices from history');
    for (const v of [a, b, late]) assert.equal(v.unexpectedProblems().length, 0, describeProblems(v.problems));
  });

  test('with join notices switched off in the admin page, nobody is announced', async () => {
    const adminPage = (await newViewer(browser!, { viewport: { width: 1280, height: 900 } })).page;
    await adminPage.goto(`${svc!.base}/admin`);
    await adminPage.getByLabel('Contraseña').fill(PASSWORD);
    await adminPage.getByRole('button', { name: 'Entrar' }).click();
    const card = adminPage.locator('#chat-settings');
    const box = card.getByLabel(/Avisar en el chat cuando alguien entra/);
    await box.waitFor({ timeout: 15_000 });
    assert.equal(await box.isChecked(), true, 'on by default');
    await box.uncheck();
    await card.getByRole('button', { name: 'Guardar' }).click();
    const admin = await adminLogin(svc!.base, PASSWORD);
    await waitFor('the setting saved', async () => (await adminCall(svc!.base, admin, 'GET', '/api/v1/admin/chat/settings')).json?.joinNotices === false, 10_000, 100);
    const b = viewers[0]!;
    const before = legacyNotices().length;
    const c = await open();
    await enterChat(c.page, 'Carla');
    // A positive control: Carla's message arrives everywhere, so a notice sent before it would be there too.
    await c.page.getByLabel('Mensaje', { exact: true }).fill('Buenas noches, hermanos');
    await c.page.getByLabel('Mensaje', { exact: true }).press('Enter');
    await waitFor('the control message in browser B', async () => (await texts(b.page)).includes('Buenas noches, hermanos'), 10_000, 100);
    await legacy!.next((m) => m.action === 'chat-message' && m.data?.message === 'Buenas noches, hermanos', 'the control message at the legacy client', 10_000);
    assert.ok(!(await joinLines(b.page)).some((l) => l.includes('Carla')), 'no notice in browser B');
    assert.equal(legacyNotices().length, before, 'no notice at the legacy client');
    assert.equal(c.unexpectedProblems().length, 0, describeProblems(c.problems));
  });
});
