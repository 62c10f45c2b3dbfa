/**
 * The chat on the viewer page, in two real Chromium contexts (two viewers with their own cookies and
 * storage) on phone-sized screens, against the real built service while a real publisher is live:
 * nickname → message → the other viewer sees it; a moderator's deletion removes it from both; hostile text
 * stays text. SCREENSHOTS=1 also writes docs/screenshots/viewer-chat.png.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { cleanupService, publish, startService, sleep, waitFor, type Publisher, type ServiceHandle } from '../helpers/platform.js';
import { adminCall, adminLogin, connect, type TestSocket } from '../helpers/ws-client.js';
import { describeProblems, enterChat, launchBrowser, newViewer, screenshot, snapshotWebDist, type Viewer, waitForPlaying, waitForStage } from './browser.js';

const PASSWORD = 'clave-de-prueba-e2e-chat';

/** The chat's messages as the reader sees them: nick, text, and whether the page marks it as the reader's own. */
async function shownMessages(page: Page): Promise<{ nick: string; text: string; own: boolean; ownLabel: boolean }[]> {
  return page.locator('.chat-messages > .chat-message').evaluateAll((items) =>
    items.map((li) => ({
      nick: li.querySelector('.chat-nick')?.textContent ?? '',
      text: li.querySelector('.chat-text')?.textContent ?? '',
      own: li.classList.contains('is-own'),
      ownLabel: li.querySelector('.chat-own') !== null,
    })),
  );
}

async function waitForText(page: Page, text: string, timeoutMs = 10_000) {
  return waitFor(`"${text}" in the chat`, async () => (await shownMessages(page)).find((m) => m.text === text), timeoutMs, 100);
}

async function waitForGone(page: Page, text: string, timeoutMs = 10_000) {
  return waitFor(`"${text}" to leave the chat`, async () => !(await shownMessages(page)).some((m) => m.text === text), timeoutMs, 100);
}


async function typeAndSend(page: Page, text: string, how: 'enter' | 'click') {
  const box = page.getByLabel('Mensaje', { exact: true });
  await box.fill(text);
  if (how === 'enter') await box.press('Enter');
  else await page.getByRole('button', { name: 'Enviar' }).click();
  await waitFor('the composer to empty (the message was sent)', async () => (await box.inputValue()) === '', 5000, 50);
}

describe('viewer chat in the browser: two viewers, moderation, hostile text (Chromium, phone)', { timeout: 170_000 }, () => {
  let svc: ServiceHandle | undefined;
  let browser: Browser | undefined;
  let web: ReturnType<typeof snapshotWebDist> | undefined;
  let publisher: Publisher | undefined;
  let observer: TestSocket | undefined;
  let ana: Viewer;
  let beto: Viewer;
  let admin: { cookie: string; csrf: string };

  /** What the server broadcast (a plain websocket client): gives the ids the pages do not show. */
  const idOf = async (text: string) =>
    (await observer!.next((m) => m.type === 'chat' && m.message?.text === text, `the server's chat frame for "${text}"`, 10_000)).message.id as string;

  /** Nothing is ignored: neither page may log a console error or throw. */
  const assertNoPageErrors = () => {
    for (const [who, v] of [['Ana', ana], ['Beto', beto]] as const) {
      const problems = v.unexpectedProblems();
      assert.equal(problems.length, 0, `${who}'s page: console errors or page errors:\n${describeProblems(problems)}`);
    }
  };

  before(async () => {
    web = snapshotWebDist();
    svc = await startService({ ADMIN_PASSWORD: PASSWORD, WEB_ROOT: web.dir });
    // People chat while the service is on: the stream is live (the screenshot shows it) during these tests.
    publisher = publish(`rtmp://127.0.0.1:${svc.rtmpPort}/live/${svc.key}`);
    // The pages open once it is live: the offline → live transition is viewer.test.ts's subject.
    await waitFor('the stream to be live', async () => (await svc!.status()).state === 'live', 90_000, 250);
    observer = await connect(`ws://127.0.0.1:${svc.httpPort}/ws`);
    admin = await adminLogin(svc.base, PASSWORD);
    browser = await launchBrowser();
    ana = await newViewer(browser);
    beto = await newViewer(browser);
    await Promise.all([ana.page.goto(`${svc.base}/`), beto.page.goto(`${svc.base}/`)]);
  });

  after(async () => {
    observer?.close();
    await publisher?.stop().catch(() => {});
    await browser?.close().catch(() => {});
    await cleanupService(svc);
    web?.remove();
  });

  test('a message typed by one viewer appears at the other; the sender’s own message is marked', async () => {
    await Promise.all([enterChat(ana.page, 'Ana'), enterChat(beto.page, 'Beto')]);

    await typeAndSend(ana.page, 'Bendiciones desde Puente Alto', 'enter');
    const atBeto = await waitForText(beto.page, 'Bendiciones desde Puente Alto');
    assert.deepEqual(atBeto, { nick: 'Ana', text: 'Bendiciones desde Puente Alto', own: false, ownLabel: false });
    const atAna = await waitFor('Ana’s message to be acknowledged and marked as hers', async () => {
      const m = (await shownMessages(ana.page)).find((x) => x.text === 'Bendiciones desde Puente Alto');
      return m?.own ? m : undefined;
    }, 10_000, 100);
    assert.deepEqual(atAna, { nick: 'Ana', text: 'Bendiciones desde Puente Alto', own: true, ownLabel: true });
    assert.match(await ana.page.locator('.chat-message.is-own .chat-own').first().innerText(), /\(usted\)/);

    await typeAndSend(beto.page, 'Amén, saludos a todos', 'click');
    const reply = await waitForText(ana.page, 'Amén, saludos a todos');
    assert.deepEqual(reply, { nick: 'Beto', text: 'Amén, saludos a todos', own: false, ownLabel: false });
    await waitFor('Beto’s own message marked at Beto', async () => (await shownMessages(beto.page)).find((x) => x.text === 'Amén, saludos a todos' && x.own), 10_000, 100);
    assert.equal(await ana.page.locator('.chat-error').count(), 0);
    assert.equal(await beto.page.locator('.chat-error').count(), 0);
    assertNoPageErrors();
  });

  test('a message a moderator deletes (admin API) disappears from both pages', async () => {
    const text = 'este mensaje será borrado';
    await typeAndSend(beto.page, text, 'enter');
    await Promise.all([waitForText(ana.page, text), waitForText(beto.page, text)]);
    const id = await idOf(text);
    const r = await adminCall(svc!.base, admin, 'DELETE', `/api/v1/admin/chat/messages/${encodeURIComponent(id)}`);
    assert.ok(r.status >= 200 && r.status < 300, `delete answered ${r.status} ${r.text}`);
    await Promise.all([waitForGone(ana.page, text), waitForGone(beto.page, text)]);
    // The others stay.
    for (const v of [ana, beto]) {
      const texts = (await shownMessages(v.page)).map((m) => m.text);
      assert.deepEqual(texts, ['Bendiciones desde Puente Alto', 'Amén, saludos a todos']);
    }
    // A page opened now does not get it from history either.
    const late = await newViewer(browser!);
    try {
      await late.page.goto(`${svc!.base}/`);
      await waitForText(late.page, 'Amén, saludos a todos');
      assert.ok(!(await shownMessages(late.page)).some((m) => m.text === text));
      assert.equal(late.unexpectedProblems().length, 0, describeProblems(late.problems));
    } finally {
      await late.close();
    }
    assertNoPageErrors();
  });

  test('the live page with the chat on a phone (screenshot with SCREENSHOTS=1)', async () => {
    await typeAndSend(ana.page, 'Gracias pastor por la palabra de hoy', 'enter');
    await waitForText(beto.page, 'Gracias pastor por la palabra de hoy');
    await waitForStage(beto.page, 'live', 10_000);
    await waitForPlaying(beto.page, 30_000, 1);
    // On a phone the chat sits below the player.
    const video = await beto.page.locator('video').boundingBox();
    const chat = await beto.page.locator('.chat').boundingBox();
    assert.ok(video && chat && chat.y >= video.y + video.height - 1, `chat below the video (video ${JSON.stringify(video)}, chat ${JSON.stringify(chat)})`);
    await screenshot(beto.page, 'viewer-chat');
    assertNoPageErrors();
  });

  test('hostile text shows as literal text and runs nothing', async () => {
    const hostile = ['<img src=x onerror="window.__pwned=1">', '<script>window.__pwned=1</script>'];
    await typeAndSend(ana.page, hostile[0]!, 'enter');
    // About one message a second per connection: stay under the burst without relying on it.
    await sleep(1100);
    await typeAndSend(ana.page, hostile[1]!, 'click');
    for (const v of [ana, beto]) {
      for (const text of hostile) {
        const m = await waitForText(v.page, text);
        assert.equal(m.text, text, 'shown exactly as typed');
      }
      await waitFor('both hostile messages', async () => (await shownMessages(v.page)).filter((m) => hostile.includes(m.text)).length === 2, 5000);
    }
    // Give an injected <img> time to fail loading and fire its handler, were there one.
    await sleep(1000);
    for (const v of [ana, beto]) {
      assert.equal(await v.page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned), undefined, '__pwned stays undefined');
      assert.equal(await v.page.locator('.chat img, .chat script').count(), 0, 'no element made from the text');
      const visible = await v.page.locator('.chat-text', { hasText: '<img src=x onerror=' }).innerText();
      assert.equal(visible, hostile[0]);
    }
    assert.equal(await ana.page.locator('.chat-error').count(), 0, 'the server accepted both as text');
    assertNoPageErrors();
  });
});
