/**
 * The chat on a real Sunday (issue 15), in Chromium against the real built service: penalties hit the
 * person, not everyone behind the church Wi-Fi; refusals are visible and keep the text; the composer says
 * what slow mode and the length limit are before a message fails. No publisher: the chat works offline too.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { cleanupService, startService, waitFor, type ServiceHandle } from '../helpers/platform.js';
import { adminCall, adminLogin, connect, type TestSocket } from '../helpers/ws-client.js';
import { launchBrowser, newViewer, snapshotWebDist, type Viewer } from './browser.js';

const PASSWORD = 'clave-de-prueba-e2e-domingo';

async function enterChat(page: Page, nick: string) {
  await page.getByText('¿Cómo te llamas?').waitFor({ timeout: 10_000 });
  await page.getByLabel('Tu nombre').fill(nick);
  await page.getByRole('button', { name: 'Entrar al chat' }).click();
  await page.locator('.chat-identity', { hasText: `Escribes como ${nick}` }).waitFor({ timeout: 10_000 });
  await page.locator('.chat-composer input[placeholder="Escribe un mensaje…"]').waitFor({ timeout: 10_000 });
}

const box = (page: Page) => page.getByLabel('Mensaje', { exact: true });
const shownTexts = (page: Page) => page.locator('.chat-messages > .chat-message .chat-text').allInnerTexts();

describe('the chat on a Sunday (Chromium, phone)', { timeout: 170_000 }, () => {
  let svc: ServiceHandle | undefined;
  let browser: Browser | undefined;
  let web: ReturnType<typeof snapshotWebDist> | undefined;
  let observer: TestSocket | undefined;
  let admin: { cookie: string; csrf: string };
  const viewers: Viewer[] = [];
  const open = async (nick: string) => {
    const v = await newViewer(browser!);
    viewers.push(v);
    await v.page.goto(`${svc!.base}/`);
    await enterChat(v.page, nick);
    return v;
  };

  before(async () => {
    web = snapshotWebDist();
    svc = await startService({ ADMIN_PASSWORD: PASSWORD, WEB_ROOT: web.dir });
    observer = await connect(`ws://127.0.0.1:${svc.httpPort}/ws`);
    admin = await adminLogin(svc.base, PASSWORD);
    browser = await launchBrowser();
  });

  after(async () => {
    observer?.close();
    for (const v of viewers) await v.close();
    await browser?.close().catch(() => {});
    await cleanupService(svc);
    web?.remove();
  });

  test('a ban silences the banned viewer, who is told it is a ban; a newcomer on the same address can still write', async () => {
    const troll = await open('Molesto');
    await box(troll.page).fill('publicidad molesta');
    await box(troll.page).press('Enter');
    const frame = await observer!.next((m) => m.type === 'chat' && m.message?.text === 'publicidad molesta', 'the message', 10_000);
    const r = await adminCall(svc!.base, admin, 'POST', '/api/v1/admin/chat/sanctions', { messageId: frame.message.id });
    assert.equal(r.status, 200, r.text);

    await box(troll.page).fill('¿y ahora?');
    await box(troll.page).press('Enter');
    const error = troll.page.locator('.chat-error');
    await error.waitFor({ timeout: 10_000 });
    assert.match(await error.innerText(), /te bloqueó/);
    assert.doesNotMatch(await error.innerText(), /pausó/);

    // Same address (127.0.0.1, like a church Wi-Fi or a carrier's CGNAT), another person, after the ban.
    const newcomer = await open('Marta');
    await box(newcomer.page).fill('Bendiciones a todos');
    await box(newcomer.page).press('Enter');
    await waitFor('the newcomer’s message to appear', async () => (await shownTexts(newcomer.page)).includes('Bendiciones a todos'), 10_000, 100);
    assert.equal(await newcomer.page.locator('.chat-error').count(), 0, 'no error for the newcomer');
  });
});
