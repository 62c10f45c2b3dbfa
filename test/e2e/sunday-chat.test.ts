/**
 * The chat on a real Sunday (issue 15), in Chromium against the real built service: penalties hit the
 * person, not everyone behind the church Wi-Fi; refusals are visible and keep the text; the composer says
 * what slow mode and the length limit are before a message fails. No publisher: the chat works offline too.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { cleanupService, sleep, startService, waitFor, type ServiceHandle } from '../helpers/platform.js';
import { adminCall, adminLogin, connect, type TestSocket } from '../helpers/ws-client.js';
import { enterChat, launchBrowser, newViewer, snapshotWebDist, type Viewer } from './browser.js';

const PASSWORD = 'clave-de-prueba-e2e-domingo';


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
    assert.match(await error.innerText(), /lo bloqueó/);
    assert.doesNotMatch(await error.innerText(), /pausó/);

    // Same address (127.0.0.1, like a church Wi-Fi or a carrier's CGNAT), another person, after the ban.
    const newcomer = await open('Marta');
    await box(newcomer.page).fill('Bendiciones a todos');
    await box(newcomer.page).press('Enter');
    await waitFor('the newcomer’s message to appear', async () => (await shownTexts(newcomer.page)).includes('Bendiciones a todos'), 10_000, 100);
    assert.equal(await newcomer.page.locator('.chat-error').count(), 0, 'no error for the newcomer');
  });

  test('slow mode is shown on the composer before a message fails, with a countdown after sending; the text stays', async () => {
    assert.equal((await adminCall(svc!.base, admin, 'PUT', '/api/v1/admin/chat/settings', { slowModeSeconds: 30 })).status, 200);
    try {
      const ana = await open('Ana');
      const hint = ana.page.locator('.chat-slow-mode');
      await hint.waitFor({ timeout: 5000 });
      assert.match(await hint.innerText(), /un mensaje cada 30 s/);
      await box(ana.page).fill('Buenos días hermanos');
      await box(ana.page).press('Enter');
      await waitFor('the message to appear', async () => (await shownTexts(ana.page)).includes('Buenos días hermanos'), 10_000, 100);
      const left = await waitFor('the countdown', async () => Number((await hint.innerText()).match(/podrá escribir de nuevo en (\d+) s/)?.[1] ?? NaN) || undefined, 5000, 100);
      assert.ok(left > 15 && left <= 30, `counting down from 30 s: ${left}`);
      await box(ana.page).fill('Segundo saludo');
      await box(ana.page).press('Enter');
      assert.equal(await ana.page.getByRole('button', { name: 'Enviar' }).isDisabled(), true, 'send waits for the countdown');
      assert.equal(await box(ana.page).inputValue(), 'Segundo saludo', 'the text stays in the box');
      assert.equal(await ana.page.locator('.chat-error').count(), 0, 'nothing was sent to fail');
    } finally {
      await adminCall(svc!.base, admin, 'PUT', '/api/v1/admin/chat/settings', { slowModeSeconds: 0 });
    }
  });

  test('a 656-character paste is counted and refused with the text intact, never cut to 500', async () => {
    const beto = await open('Beto');
    const long = 'Oremos por los hermanos enfermos. '.repeat(20).slice(0, 656);
    await box(beto.page).fill(long);
    const counter = beto.page.locator('.chat-counter');
    await counter.waitFor({ timeout: 2000 });
    assert.match(await counter.innerText(), /656 caracteres y el máximo es 500/);
    assert.equal((await box(beto.page).inputValue()).length, 656, 'not cut');
    assert.equal(await beto.page.getByRole('button', { name: 'Enviar' }).isDisabled(), true);
    await box(beto.page).press('Enter');
    assert.equal((await box(beto.page).inputValue()).length, 656, 'Enter does not send or cut it');
  });

  test('10 messages sent 60 ms apart: each appears or leaves a visible error with its text', async () => {
    const carla = await open('Carla');
    const texts = Array.from({ length: 10 }, (_, i) => `Amén número ${i + 1}`);
    for (const text of texts) {
      await box(carla.page).fill(text);
      await box(carla.page).press('Enter');
      await sleep(60);
    }
    const accounted = async () => {
      const shown = await shownTexts(carla.page);
      const errors = (await carla.page.locator('.chat-error').allInnerTexts()).join('\n');
      const missing = texts.filter((t) => !shown.includes(t) && !errors.includes(t));
      return missing.length === 0 ? { shown, errors } : undefined;
    };
    const seen = await waitFor('every message to be shown or refused visibly', accounted, 10_000, 200);
    assert.ok(seen.errors.length > 0, 'the burst limit refused some (5 at once, then 1 a second)');
    // The refusals stay until read: nothing clears them by itself.
    await sleep(2000);
    assert.ok(await accounted(), 'still all accounted for 2 s later');
  });
});
