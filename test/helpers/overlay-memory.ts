/// <reference lib="dom" />
// (Code passed to page.evaluate runs in the browser: it is typed against the DOM.)
/**
 * The OBS overlay's memory under a long service: one /chat page (1920×1080, default options) receives N real
 * chat messages through the real service (a signed-in moderator's /ws socket, which the chat's rate limits
 * do not slow), and at each checkpoint the page's JS heap is measured after a forced garbage collection
 * (CDP HeapProfiler.collectGarbage, then Runtime.getHeapUsage), with its DOM nodes and event listeners
 * (CDP Performance.getMetrics). Used by test/e2e/overlay-memory.test.ts and bench/overlay.bench.ts.
 */
import type { Browser } from 'playwright-core';
import { newViewer } from '../e2e/browser.js';
import { waitFor, type ServiceHandle } from './platform.js';
import { adminLogin, connect } from './ws-client.js';

export interface HeapPoint {
  messages: number;
  /** JS heap in use after a forced GC, bytes. */
  heapUsed: number;
  heapTotal: number;
  domNodes: number;
  listeners: number;
  /** Lines on screen (at most `max`). */
  lines: number;
}

export interface OverlayMemoryRun {
  points: HeapPoint[];
  seconds: number;
  /** Messages per second through the service and the page. */
  rate: number;
}

export async function measureOverlayMemory(svc: ServiceHandle, browser: Browser, password: string, checkpoints: number[], query = ''): Promise<OverlayMemoryRun> {
  const total = Math.max(...checkpoints);
  const admin = await adminLogin(svc.base, password);
  const mod = await connect(`ws://127.0.0.1:${svc.httpPort}/ws`, { cookie: admin.cookie });
  const v = await newViewer(browser, { viewport: { width: 1920, height: 1080 } });
  try {
    mod.send({ type: 'hello', nick: 'Moderación' });
    const welcome = await mod.next((m) => m.type === 'welcome' || m.type === 'error', 'welcome');
    if (welcome.role !== 'moderator') throw new Error(`the sender must be a moderator: ${JSON.stringify(welcome)}`);
    await v.page.goto(`${svc.base}/chat${query}`);
    await v.page.locator('.overlay[data-socket="open"]').waitFor({ timeout: 10_000 });
    const cdp = await v.context.newCDPSession(v.page);
    await cdp.send('Performance.enable');
    const measure = async (messages: number): Promise<HeapPoint> => {
      for (let i = 0; i < 3; i++) await cdp.send('HeapProfiler.collectGarbage');
      const heap = await cdp.send('Runtime.getHeapUsage');
      const { metrics } = await cdp.send('Performance.getMetrics');
      const get = (name: string) => metrics.find((m) => m.name === name)?.value ?? -1;
      const lines = await v.page.locator('.overlay-line').count();
      return { messages, heapUsed: heap.usedSize, heapTotal: heap.totalSize, domNodes: get('Nodes'), listeners: get('JSEventListeners'), lines };
    };
    const points = [await measure(0)];
    // The socket's own record of frames would grow with the run: count acknowledgements instead.
    let acked = 0;
    mod.socket.on('message', (data) => {
      if (String(data).startsWith('{"type":"ack"')) acked++;
    });
    mod.messages.length = 0;
    const started = Date.now();
    const batch = 100;
    for (let sent = 0; sent < total; ) {
      const n = Math.min(batch, total - sent);
      for (let i = 0; i < n; i++) {
        const k = sent + i + 1;
        mod.send({ type: 'chat', text: `Mensaje ${k}: bendiciones a todos${' ♥'.repeat(k % 7)}`, clientId: `m${k}` });
      }
      sent += n;
      await waitFor(`${sent} acknowledged`, () => acked >= sent, 60_000, 5);
      mod.messages.length = 0;
      const last = `Mensaje ${sent}:`;
      await waitFor(`the overlay to show message ${sent}`, () => v.page.locator('.overlay-line .overlay-text', { hasText: last }).count().then((c) => c > 0), 30_000, 10);
      if (checkpoints.includes(sent)) points.push(await measure(sent));
    }
    const seconds = (Date.now() - started) / 1000;
    const problems = v.unexpectedProblems();
    if (problems.length > 0) throw new Error(`page errors: ${problems.map((p) => p.text).join('; ')}`);
    return { points, seconds, rate: total / seconds };
  } finally {
    mod.close();
    await v.close();
  }
}
