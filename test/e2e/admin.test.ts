import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { cleanupService, ensureBuilt, publish, ROOT, sleep, startService, waitFor, type ServiceHandle } from '../helpers/platform.js';
import { describeProblems, launchBrowser, newViewer, screenshot, snapshotWebDist, type Viewer } from './browser.js';

const PASSWORD = 'pastor-e2e-clave-1';

describe('the pastor at /admin, in Chromium', { timeout: 240_000 }, () => {
  let svc: ServiceHandle;
  let browser: Browser;
  let admin: Viewer;
  let web: ReturnType<typeof snapshotWebDist>;
  let oldKey: string;

  before(async () => {
    ensureBuilt();
    web = snapshotWebDist();
    svc = await startService({ ADMIN_PASSWORD: PASSWORD, WEB_ROOT: web.dir });
    // Stored keys (STREAM_KEY would make the key unrotatable, by design).
    delete svc.env.STREAM_KEY;
    await svc.stop();
    const added = spawnSync(process.execPath, [path.join(ROOT, 'dist', 'server', 'src', 'cli.js'), 'keys', 'add'], { env: { ...process.env, ...svc.env }, encoding: 'utf8' });
    assert.equal(added.status, 0, added.stderr);
    oldKey = added.stdout.trim().split('\t')[1]!;
    await svc.restart();
    browser = await launchBrowser();
    admin = await newViewer(browser);
  });
  after(async () => {
    await admin?.close();
    await browser?.close();
    await cleanupService(svc);
    web?.remove();
  });

  test('a wrong password is refused with a message; the right one opens the dashboard', async () => {
    const page = admin.page;
    await page.goto(`${svc.base}/admin`);
    await page.getByLabel('Contraseña').fill('no-es-esta');
    await page.getByRole('button', { name: 'Entrar' }).click();
    await page.getByText('Contraseña incorrecta').first().waitFor({ timeout: 10_000 });
    await page.getByLabel('Contraseña').fill(PASSWORD);
    await page.getByRole('button', { name: 'Entrar' }).click();
    await page.getByRole('heading', { name: 'OBS: datos de conexión' }).waitFor({ timeout: 15_000 });
    const serverField = page.getByLabel('Servidor', { exact: true });
    const server = await waitFor('the OBS server URL', async () => (await serverField.inputValue()) || undefined, 10_000);
    assert.equal(server, `rtmp://localhost:${svc.rtmpPort}/live`);
    // A reload keeps the session (HttpOnly cookie), no new login.
    await page.reload();
    await page.getByRole('heading', { name: 'OBS: datos de conexión' }).waitFor({ timeout: 15_000 });
    await screenshot(page, 'admin-dashboard-offline');
  });

  test('the key is hidden until asked; rotating it refuses the old key afterwards', async () => {
    const page = admin.page;
    const keyField = page.getByLabel('Clave de retransmisión', { exact: true });
    assert.notEqual(await keyField.inputValue(), oldKey, 'hidden until "Mostrar"');
    await page.getByRole('button', { name: 'Mostrar' }).click();
    assert.equal(await keyField.inputValue(), oldKey);

    await page.getByRole('button', { name: 'Cambiar la clave' }).click();
    await page.getByRole('button', { name: 'Sí, cambiar la clave' }).click();
    await page.getByText('Clave nueva creada').waitFor({ timeout: 10_000 });
    const newKey = await waitFor('the new key in the field', async () => {
      const v = await keyField.inputValue();
      return v !== oldKey && /^[A-Za-z0-9_-]{16,}$/.test(v) ? v : undefined;
    }, 10_000);

    const refused = publish(`rtmp://127.0.0.1:${svc.rtmpPort}/live/${oldKey}`, { seconds: 8 });
    const code = await Promise.race([refused.exited, sleep(12_000).then(() => 'timeout')]);
    await refused.stop();
    assert.notEqual(code, 0, 'the old key is refused');
    assert.notEqual(code, 'timeout');

    const pub = publish(`rtmp://127.0.0.1:${svc.rtmpPort}/live/${newKey}`);
    try {
      await waitFor('live with the new key', async () => (await svc.status()).state === 'live', 60_000, 250);
      // The dashboard follows the state without a reload.
      await page.locator('.adm-header').getByText(/en vivo/i).first().waitFor({ timeout: 20_000 });
    } finally {
      await pub.stop();
    }
    assert.ok(!svc.logs().includes(newKey) && !svc.logs().includes(oldKey), 'no key in the logs');
  });

  test('a simulcast destination is added from the card: a bad URL is refused in Spanish, the key is shown masked only', async () => {
    const page = admin.page;
    const key = 'e2e-destino-clave-9f8e7d';
    const form = page.getByRole('form', { name: 'Agregar destino' });
    await form.getByLabel('Plataforma').selectOption('other');
    await form.getByLabel('Nombre', { exact: true }).fill('Canal de prueba');
    await form.getByLabel('URL del servidor').fill('http://127.0.0.1/live');
    await form.getByLabel('Clave de transmisión').fill(key);
    await form.getByRole('button', { name: 'Guardar' }).click();
    await form.getByText('url: debe ser una URL rtmp:// o rtmps://').waitFor({ timeout: 10_000 });
    await form.getByLabel('URL del servidor').fill('rtmp://127.0.0.1:1/app');
    await form.getByRole('button', { name: 'Guardar' }).click();
    const card = page.locator('#simulcast');
    await card.getByText('Canal de prueba').waitFor({ timeout: 10_000 });
    await card.getByText('Clave ••••8e7d').waitFor({ timeout: 10_000 });
    assert.ok(!(await page.content()).includes(key), 'the key is not in the page once saved');
    await card.getByRole('button', { name: 'Quitar' }).click();
    await card.getByText('Aún no hay destinos.').waitFor({ timeout: 10_000 });
    assert.ok(!svc.logs().includes(key), 'no destination key in the logs');
  });

  test('no console errors on the admin page', () => {
    // Expected refusals: the wrong password (401) and the simulcast URL refused on purpose (422).
    const expected = (p: { text: string; url?: string }) => (/401|Unauthorized/.test(p.text) && /login/.test(p.url ?? '')) || (/422/.test(p.text) && /\/admin\/simulcast$/.test(p.url ?? ''));
    assert.deepEqual(admin.unexpectedProblems(expected), [], describeProblems(admin.problems));
  });
});
