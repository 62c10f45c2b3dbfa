/**
 * The pastor and the OBS volunteer at /admin on a Sunday (issue 15), in Chromium against the real built
 * service: a key set by the server's configuration is explained in plain words, the OBS advice starts with
 * the step that makes the other options appear, and blocking a whole network is an explicit, short choice.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { cleanupService, startService, waitFor, type ServiceHandle } from '../helpers/platform.js';
import { connect, type TestSocket } from '../helpers/ws-client.js';
import { describeProblems, launchBrowser, newViewer, snapshotWebDist, type Viewer } from './browser.js';

const PASSWORD = 'pastor-e2e-domingo-1';

describe('the admin on a Sunday (Chromium)', { timeout: 170_000 }, () => {
  let svc: ServiceHandle;
  let browser: Browser;
  let admin: Viewer;
  let web: ReturnType<typeof snapshotWebDist>;
  const sockets: TestSocket[] = [];

  before(async () => {
    web = snapshotWebDist();
    // The harness sets STREAM_KEY: the key comes from the server's configuration.
    svc = await startService({ ADMIN_PASSWORD: PASSWORD, WEB_ROOT: web.dir });
    browser = await launchBrowser();
    admin = await newViewer(browser, { viewport: { width: 1280, height: 900 } });
    await admin.page.goto(`${svc.base}/admin`);
    await admin.page.getByLabel('Contraseña').fill(PASSWORD);
    await admin.page.getByRole('button', { name: 'Entrar' }).click();
    await admin.page.getByRole('heading', { name: 'OBS: datos de conexión' }).waitFor({ timeout: 15_000 });
  });
  after(async () => {
    for (const s of sockets) s.close();
    await admin?.close();
    await browser?.close();
    await cleanupService(svc);
    web?.remove();
  });

  test('a key fixed by the server’s configuration says in plain words why and what to do, with no dead button', async () => {
    const card = admin.page.locator('#obs');
    const how = card.locator('.adm-key-env');
    await how.waitFor({ timeout: 10_000 });
    const text = await card.innerText();
    assert.match(text, /quedó fija al instalar el servidor/);
    assert.match(await how.innerText(), /pida a quien administra el servidor/);
    assert.doesNotMatch(text, /STREAM_KEY/, 'no variable names for the pastor');
    assert.equal(await card.getByRole('button', { name: 'Cambiar la clave' }).count(), 0, 'no disabled button without a reason');
  });

  test('the OBS steps start with "Modo de salida: Avanzado" and explain CBR, H.264 and AAC', async () => {
    const steps = await admin.page.locator('#obs .adm-obs-steps > li').allInnerTexts();
    assert.match(steps[0] ?? '', /«Modo de salida»: Avanzado/);
    const keyframe = steps.findIndex((s) => /Intervalo de fotogramas clave/.test(s));
    assert.ok(keyframe > 0, `keyframes after the output mode: ${steps.join(' | ')}`);
    const all = steps.join('\n');
    assert.match(all, /CBR[\s\S]*Tasa de bits constante/);
    assert.match(all, /H\.264, el formato de video/);
    assert.match(all, /AAC, el formato de sonido/);
  });

  test('banning offers an explicit, 30-minute block of the same network; by default only the person is banned', async () => {
    const page = admin.page;
    const ws = `ws://127.0.0.1:${svc.httpPort}/ws`;
    const say = async (nick: string, text: string) => {
      const s = await connect(ws);
      sockets.push(s);
      await s.next((m) => m.type === 'history', 'history');
      s.send({ type: 'hello', nick });
      await s.next((m) => m.type === 'welcome', 'welcome');
      s.send({ type: 'chat', text, clientId: 'c1' });
      return s.next((m) => (m.type === 'ack' || m.type === 'error') && m.clientId === 'c1', 'answer', 10_000);
    };
    assert.equal((await say('Molesto', 'spam spam')).type, 'ack');
    await page.locator('#chat').getByText('spam spam').waitFor({ timeout: 10_000 });
    await page.getByRole('button', { name: 'Acciones para el mensaje de Molesto' }).first().click();
    await page.locator('#chat').getByRole('button', { name: 'Bloquear', exact: true }).click();
    const dialog = page.getByRole('dialog');
    const network = dialog.getByRole('checkbox', { name: /misma red durante 30 minutos/ });
    await network.waitFor({ timeout: 5000 });
    assert.equal(await network.isChecked(), false, 'not the default');
    assert.match(await dialog.innerText(), /Wi-Fi del templo o con datos móviles/);
    await network.check();
    await dialog.getByRole('button', { name: 'Bloquear' }).click();
    await page.getByText('Molesto fue bloqueado del chat').waitFor({ timeout: 10_000 });
    // The moderator chose the network too: a new session from the same address is refused for now.
    const answer = await waitFor('a new session to be refused', async () => {
      const a = await say('OtroNombre', 'volví');
      return a.type === 'error' ? a : undefined;
    }, 10_000, 500);
    assert.equal(answer.code, 'banned');
    assert.deepEqual(admin.unexpectedProblems(), [], describeProblems(admin.problems));
  });

  test('the embed snippet is responsive; on a phone-sized frame the offline text fits and links to the full page with chat', async () => {
    const code = await admin.page.locator('#embed').getByRole('textbox', { name: 'Código para insertar' }).inputValue();
    assert.match(code, /aspect-ratio:16\/9/);
    assert.doesNotMatch(code, /width="560"|height="315"/);
    const host = await newViewer(browser);
    // The church's own website (another origin), on a phone: a 360-px column.
    const site = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(`<!doctype html><meta charset="utf-8"><body style="margin:0;padding:15px"><div style="width:360px">${code}</div></body>`);
    });
    await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
    try {
      await host.page.goto(`http://localhost:${(site.address() as AddressInfo).port}/`);
      const frameBox = await host.page.locator('iframe').boundingBox();
      assert.ok(frameBox && Math.abs(frameBox.height - (360 * 9) / 16) < 2, `16:9 at the column's width: ${JSON.stringify(frameBox)}`);
      const frame = host.page.frameLocator('iframe');
      const hint = frame.locator('.offline-card .stage-hint');
      await hint.waitFor({ timeout: 15_000 });
      const hintBox = await hint.boundingBox();
      const link = frame.locator('a.embed-full-link');
      const linkTop = (await link.boundingBox())?.y ?? frameBox.y + frameBox.height;
      // Visible without scrolling: inside the frame and above the link bar.
      assert.ok(hintBox && hintBox.y >= frameBox.y && hintBox.y + hintBox.height <= linkTop + 0.5, `the offline hint is not cut: hint ${JSON.stringify(hintBox)}, link top ${linkTop}, frame ${JSON.stringify(frameBox)}`);
      assert.equal(await frame.locator('.offline-card').evaluate((el) => el.scrollHeight <= el.clientHeight + 1), true, 'nothing to scroll to');
      assert.equal(await link.evaluate((el) => el.scrollWidth <= el.clientWidth), true, 'the link text is whole');
      assert.equal(await link.getAttribute('href'), '/');
      assert.equal(await link.getAttribute('target'), '_blank');
      assert.match(await link.innerText(), /con chat/);
      const linkBox = await link.boundingBox();
      assert.ok(linkBox && linkBox.y + linkBox.height <= frameBox.y + frameBox.height + 0.5, 'the link is inside the frame');
    } finally {
      await host.close();
      site.close();
    }
  });

  test('on a desktop the schedule’s name field shows "Reunión de oración" whole', async () => {
    const field = admin.page.locator('#schedule .adm-schedule-title input').first();
    await field.waitFor({ timeout: 10_000 });
    const names = await admin.page.locator('#schedule .adm-schedule-title input').evaluateAll((inputs) =>
      inputs.map((i) => ({ value: (i as HTMLInputElement).value, width: i.clientWidth, fits: i.scrollWidth <= i.clientWidth })),
    );
    assert.ok(names.some((n) => n.value === 'Reunión de oración'), JSON.stringify(names));
    for (const n of names) assert.ok(n.fits && n.width >= 250, `"${n.value}" fits in ${n.width}px`);
  });

  test('on a phone every admin section link is in sight: no sideways scroll with no hint', async () => {
    const phone = await newViewer(browser);
    try {
      await phone.context.addCookies(await admin.context.cookies());
      await phone.page.goto(`${svc.base}/admin`);
      const nav = phone.page.locator('.adm-nav');
      await nav.waitFor({ timeout: 15_000 });
      const links = await nav.locator('a').evaluateAll((as) => as.map((a) => ({ text: a.textContent, right: a.getBoundingClientRect().right })));
      assert.ok(links.length >= 7, JSON.stringify(links));
      for (const l of links) assert.ok(l.right <= 390, `"${l.text}" is on screen (right edge ${l.right})`);
    } finally {
      await phone.close();
    }
  });
});
