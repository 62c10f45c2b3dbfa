import { cleanupService, publish, startService, sleep } from '../helpers/platform.js';
import { launchBrowser, newViewer, probeVideo, stageState } from './browser.js';
const svc = await startService({ ADMIN_PASSWORD: 'x-test-password' });
const browser = await launchBrowser();
const v = await newViewer(browser);
v.page.on('console', (m) => console.log('console', m.type(), m.text()));
v.page.on('requestfailed', (r) => console.log('reqfail', r.url(), r.failure()?.errorText));
v.page.on('response', (r) => { if (r.status() >= 400) console.log('resp', r.status(), r.url()); });
const t0 = Date.now();
try {
  await v.page.goto(svc.base + '/');
  console.log('state', await stageState(v.page), await v.page.locator('.stage').innerText());
  const pub = publish(`rtmp://127.0.0.1:${svc.rtmpPort}/live/${svc.key}`);
  for (let i = 0; i < 60; i++) {
    await sleep(1000);
    console.log(((Date.now()-t0)/1000).toFixed(1), await stageState(v.page), JSON.stringify(await probeVideo(v.page)));
    if (i === 25) { await v.page.selectOption('select.quality-select', 'low'); console.log('chose low'); }
    if (i === 35) { await pub.stop(); console.log('stopped'); }
    if (i === 39) { const p2 = publish(`rtmp://127.0.0.1:${svc.rtmpPort}/live/${svc.key}`); console.log('restarted'); }
  }
  console.log(JSON.stringify(await svc.status()));
} finally {
  await browser.close(); await cleanupService(svc); process.exit(0);
}
