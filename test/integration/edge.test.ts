/**
 * The edge cache of deploy/edge/ in front of the real platform: 200 simulated viewers play through one
 * edge; the origin's own access log shows each segment fetched once, the edge's playlists are never
 * staler than 2 s, HLS_BASE_URL points the status, the legacy API and the pages at the edge (Chromium plays
 * from it), and while the origin blinks or is gone the edge keeps answering from its cache.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parseMediaPlaylist } from '../../server/src/observe/playlist.js';
import { launchBrowser, newViewer, snapshotWebDist, waitForPlaying } from '../e2e/browser.js';
import { listening, startEdge, type EdgeHandle } from '../helpers/edge.js';
import { runViewers, type ViewerLoadResult } from '../helpers/hls-viewers.js';
import { cleanupService, ensureBuilt, freePort, publish, sleep, startService, waitFor, type Publisher, type ServiceHandle } from '../helpers/platform.js';

const PLAYLIST = '/video/envivo_low/index.m3u8';
const SEGMENT = /"GET (\/video\/envivo_low\/\d+\.ts)" 200 /;

/** The newest segment's media sequence number a playlist lists (-1 when none). */
function newest(text: string): number {
  const p = parseMediaPlaylist(text);
  return p ? p.mediaSequence + p.segments.length - 1 : -1;
}

/** Reads the origin's and the edge's playlist side by side until `stop` says so; one sample per 250 ms. */
async function compare(origin: string, edge: string, stop: () => boolean): Promise<{ originSeq: number; edgeSeq: number; at: number }[]> {
  const samples: { originSeq: number; edgeSeq: number; at: number }[] = [];
  while (!stop()) {
    const o = newest(await (await fetch(`${origin}${PLAYLIST}`)).text());
    const e = newest(await (await fetch(`${edge}${PLAYLIST}`)).text());
    samples.push({ originSeq: o, edgeSeq: e, at: Date.now() });
    await sleep(250);
  }
  return samples;
}

/** The origin's public nginx: its master (pid file) and the master's children (the workers). */
function webNginxPids(dataDir: string): number[] {
  const master = Number(readFileSync(path.join(dataDir, 'nginx-web', 'nginx.pid'), 'utf8').trim());
  const workers = readdirSync('/proc').filter((d) => /^\d+$/.test(d)).map(Number).filter((pid) => {
    try {
      return Number(readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')[1]) === master;
    } catch {
      return false;
    }
  });
  return [master, ...workers];
}

/** The longest time the edge's newest segment lagged the origin's (ms), as sampled: diagnostics. */
function staleness(samples: { originSeq: number; edgeSeq: number; at: number }[]): number {
  const firstSeen = new Map<number, number>();
  for (const s of samples) if (!firstSeen.has(s.originSeq)) firstSeen.set(s.originSeq, s.at);
  let max = 0;
  for (const s of samples) {
    const newer = [...firstSeen].filter(([seq]) => seq > s.edgeSeq).map(([, at]) => at);
    if (newer.length > 0) max = Math.max(max, s.at - Math.min(...newer));
  }
  return max;
}

describe('an nginx edge cache (deploy/edge/) in front of the origin', { timeout: 300_000 }, () => {
  let svc: ServiceHandle;
  let edge: EdgeHandle;
  let pub: Publisher | undefined;
  let edgeDir: string;
  let web: { dir: string; remove(): void };

  before(async () => {
    ensureBuilt();
    web = snapshotWebDist();
    const edgePort = await freePort();
    svc = await startService({ HLS_BASE_URL: `http://127.0.0.1:${edgePort}/`, WEB_ROOT: web.dir });
    edgeDir = mkdtempSync(path.join(os.tmpdir(), 'cdp-edge-'));
    edge = await startEdge({ originUrl: svc.base, port: edgePort, dir: edgeDir });
  });
  after(async () => {
    await pub?.stop();
    await edge?.stop();
    await cleanupService(svc);
    rmSync(edgeDir, { recursive: true, force: true });
    web?.remove();
  });

  test('with HLS_BASE_URL the status, the legacy API and the pages\' CSP point players at the edge', async () => {
    pub = publish(`rtmp://127.0.0.1:${svc.rtmpPort}/live/${svc.key}`, { size: '640x360' });
    await waitFor('state live', async () => (await svc.status()).state === 'live', 60_000, 200);
    const status = await svc.status();
    assert.equal(status.master, `${edge.url}/video/envivo.m3u8`);
    for (const r of status.renditions) assert.ok(r.url.startsWith(`${edge.url}/video/`), r.url);
    const online = (await (await fetch(`${svc.base}/v1/streaming/online`)).json()) as { stream_url: string };
    assert.equal(online.stream_url, status.master);
    const page = await fetch(`${svc.base}/`);
    assert.match(page.headers.get('content-security-policy') ?? '', new RegExp(`connect-src 'self' ${edge.url.replace(/\./g, '\\.')};`));
    // The master playlist through the edge, and a rendition it names, resolved against the edge.
    const master = await fetch(status.master);
    assert.equal(master.status, 200);
    const variant = (await master.text()).split('\n').find((l) => l.endsWith('index.m3u8'));
    assert.ok(variant);
    assert.equal((await fetch(new URL(variant, status.master))).status, 200);
  });

  test('Chromium on the site\'s page plays the stream from the edge, another origin, with no CORS or CSP error', async () => {
    const browser = await launchBrowser();
    try {
      const viewer = await newViewer(browser);
      await viewer.page.goto(`${svc.base}/`);
      await waitForPlaying(viewer.page, 45_000);
      const fromEdge = await viewer.page.evaluate((edgeUrl) => performance.getEntriesByType('resource').filter((e) => e.name.startsWith(`${edgeUrl}/video/`)).length, edge.url);
      assert.ok(fromEdge >= 2, `the player fetched ${fromEdge} playlists/segments from the edge`);
      assert.deepEqual(viewer.problems.map((p) => p.text), []);
    } finally {
      await browser.close();
    }
  });

  test('a page on another site may read the video through the edge (CORS passed on from the origin)', async () => {
    const pl = await fetch(`${edge.url}${PLAYLIST}`, { headers: { origin: 'https://otra-iglesia.example' } });
    assert.equal(pl.status, 200);
    assert.equal(pl.headers.get('access-control-allow-origin'), '*');
    assert.match(pl.headers.get('cache-control') ?? '', /max-age=1/, 'browsers keep playlists for a second at most');
    const seg = parseMediaPlaylist(await pl.text())!.segments.at(-1)!.uri;
    const s = await fetch(`${edge.url}/video/envivo_low/${seg}`, { headers: { origin: 'https://otra-iglesia.example', cookie: 'cdp_session=abc' } });
    assert.equal(s.status, 200);
    assert.equal(s.headers.get('access-control-allow-origin'), '*');
    assert.match(s.headers.get('cache-control') ?? '', /immutable/);
    assert.equal(s.headers.get('set-cookie'), null);
    await s.arrayBuffer();
  });

  test('200 viewers through the edge: the origin sends each segment once, and the edge\'s playlist is never staler than 2 s', async () => {
    const originLog = path.join(svc.dataDir, 'nginx-web', 'logs', 'access.log');
    const logStart = readFileSync(originLog, 'utf8').length;
    let done = false;
    const watching = compare(svc.base, edge.url, () => done);
    let result: ViewerLoadResult;
    try {
      result = await runViewers({ base: edge.url, rendition: 'low', connections: 200, durationS: 25, ratePerConnection: 1 });
    } finally {
      done = true;
    }
    const samples = await watching;
    assert.equal(result.errors + result.timeouts + result.non2xx, 0, JSON.stringify(result.badResponses));
    assert.ok(result.segments > 1000, `viewers fetched ${result.segments} segments`);

    const fetched = new Map<string, number>();
    for (const line of readFileSync(originLog, 'utf8').slice(logStart).split('\n')) {
      const m = SEGMENT.exec(line);
      if (m) fetched.set(m[1]!, (fetched.get(m[1]!) ?? 0) + 1);
    }
    console.log(`# edge: ${result.segments} segments and ${result.playlists} playlists served; ${fetched.size} segments asked of the origin; playlist staleness at most ${staleness(samples)} ms as sampled`);
    assert.ok(fetched.size >= 8, `the viewers moved through ${fetched.size} segments`);
    const twice = [...fetched].filter(([, n]) => n > 1);
    assert.deepEqual(twice, [], 'a segment the edge had was asked of the origin again');

    // At every moment the edge lists at least what the origin listed 2 s before (nginx keeps a playlist
    // for one second counted in whole seconds, i.e. 1–2 s, and refreshes it while serving the old copy).
    assert.ok(samples.length > 40, `${samples.length} samples`);
    const late = samples.filter((s) => {
      const then = samples.filter((o) => o.at <= s.at - 2000).at(-1);
      return then !== undefined && s.edgeSeq < then.originSeq;
    });
    assert.deepEqual(late.map((s) => s.at - samples[0]!.at), [], `the edge was staler than 2 s (ms into the run); max ${staleness(samples)} ms`);
    assert.ok(samples.every((s) => s.edgeSeq <= s.originSeq), 'the edge never lists a segment the origin does not');
  });

  test('an origin blip (its web nginx frozen for 5 s) while 200 viewers play through the edge: no viewer sees an error', async () => {
    const nginx = webNginxPids(svc.dataDir);
    assert.ok(nginx.length >= 2, 'the origin\'s web nginx master and workers');
    const playing = runViewers({ base: edge.url, rendition: 'low', connections: 200, durationS: 15, ratePerConnection: 1 });
    await sleep(5000);
    for (const pid of nginx) process.kill(pid, 'SIGSTOP');
    try {
      await sleep(5000);
      const during = await fetch(`${edge.url}${PLAYLIST}`, { signal: AbortSignal.timeout(3000) });
      assert.equal(during.status, 200);
      await during.text();
    } finally {
      for (const pid of nginx) process.kill(pid, 'SIGCONT');
    }
    const result = await playing;
    assert.equal(result.errors + result.timeouts + result.non2xx, 0, JSON.stringify(result.badResponses));
  });

  test('with the origin gone, the edge keeps serving the playlist and the segments it has', async () => {
    const before = await fetch(`${edge.url}${PLAYLIST}`);
    const text = await before.text();
    const seg = parseMediaPlaylist(text)!.segments.at(-1)!.uri;
    const bytes = Buffer.from(await (await fetch(`${edge.url}/video/envivo_low/${seg}`)).arrayBuffer());
    await pub?.stop();
    pub = undefined;
    await cleanupService(svc);
    await waitFor('the origin to stop answering', async () => !(await listening(svc.httpPort)), 20_000);
    await sleep(2500); // the cached playlist is now past its second
    const stale = await fetch(`${edge.url}${PLAYLIST}`);
    assert.equal(stale.status, 200);
    assert.equal(stale.headers.get('x-cache'), 'STALE');
    // The last copy the edge had (it may have refreshed once more while the origin was stopping).
    assert.ok(newest(await stale.text()) >= newest(text));
    const cached = await fetch(`${edge.url}/video/envivo_low/${seg}`);
    assert.equal(cached.status, 200);
    assert.deepEqual(Buffer.from(await cached.arrayBuffer()), bytes);
    assert.equal((await fetch(`${edge.url}/healthz`)).status, 200);
  });
});
