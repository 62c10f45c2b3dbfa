import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parseMediaPlaylist } from '../../server/src/observe/playlist.js';
import { connect, type TestSocket } from '../helpers/ws-client.js';
import {
  cleanupService, ensureBuilt, ffprobeJson, publish, randomKey, sleep, startService, waitFor, watchStates,
  type Publisher, type ServiceHandle,
} from '../helpers/platform.js';

function listFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    out.push(full);
    if (statSync(full).isDirectory()) out.push(...listFiles(full));
  }
  return out;
}

async function text(url: string): Promise<{ status: number; body: string; headers: Headers }> {
  const r = await fetch(url);
  return { status: r.status, body: await r.text(), headers: r.headers };
}

describe('media core with real nginx-rtmp and ffmpeg', { timeout: 300_000 }, () => {
  let svc: ServiceHandle;
  let pub: Publisher | undefined;
  let legacy: TestSocket;
  const served: string[] = [];

  before(async () => {
    ensureBuilt();
    svc = await startService();
  });
  after(async () => {
    legacy?.close();
    await pub?.stop();
    await cleanupService(svc);
  });

  const ingest = (key: string) => `rtmp://127.0.0.1:${svc.rtmpPort}/live/${key}`;
  const hlsDir = () => path.join(svc.dataDir, 'media', 'hls', 'video');

  test('a wrong key is refused and nothing is written', async () => {
    const wrong = publish(ingest(randomKey()), { seconds: 10 });
    const code = await Promise.race([wrong.exited, sleep(15_000).then(() => 'timeout')]);
    await wrong.stop();
    assert.notEqual(code, 0, 'ffmpeg publishing with a wrong key must fail');
    assert.notEqual(code, 'timeout', 'a wrong key must be refused at once, not streamed');
    assert.deepEqual(readdirSync(hlsDir()), [], 'no HLS output may exist for a refused publisher');
    assert.equal((await svc.status()).state, 'offline');
    assert.match(svc.logs(), /publish refused: wrong stream key/);
  });

  test('a publisher goes live in every rendition, and the seed URLs answer with the right heights', async () => {
    const ws = await watchStates(svc.base);
    legacy = await connect(`ws://127.0.0.1:${svc.httpPort}/v1/websocket`);
    pub = publish(ingest(svc.key));
    await waitFor('state live', async () => (await svc.status()).state === 'live', 30_000, 200);
    ws.close();
    // The church's existing frontend hears "stream-started" only once every quality is playable.
    await legacy.next((m) => m.action === 'stream-started', 'legacy stream-started');
    const online = (await (await fetch(`${svc.base}/v1/streaming/online`)).json()) as { online: boolean };
    assert.equal(online.online, true);
    assert.ok(ws.states.includes('starting'), `viewers were told "starting" first (saw ${ws.states.join(',')})`);
    assert.equal(ws.states.at(-1), 'live');
    // "Live" means every rendition lists at least one segment.
    for (const name of ['envivo', 'envivo_mid', 'envivo_low', 'envivo_audio']) {
      const r = await text(`${svc.base}/video/${name}/index.m3u8`);
      served.push(r.body);
      assert.equal(r.status, 200, `${name} playlist`);
      const pl = parseMediaPlaylist(r.body);
      assert.ok(pl && pl.segments.length >= 1, `${name} lists a segment`);
    }
    const height = (name: string) => {
      const info = ffprobeJson(`${svc.base}/video/${name}/index.m3u8`);
      return info.streams.find((s: any) => s.codec_type === 'video' && s.height > 0)?.height;
    };
    assert.equal(height('envivo'), 720);
    assert.equal(height('envivo_mid'), 480);
    assert.equal(height('envivo_low'), 360);
    const audio = ffprobeJson(`${svc.base}/video/envivo_audio/index.m3u8`);
    assert.ok(audio.streams.some((s: any) => s.codec_type === 'audio' && s.codec_name === 'aac'), 'audio-only rendition has AAC');
    assert.equal(height('envivo_audio'), undefined, 'audio-only rendition has no picture');
  });

  test('the master playlist lists every rendition with bandwidth, resolution and codecs', async () => {
    const r = await text(`${svc.base}/video/envivo.m3u8`);
    served.push(r.body);
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type') ?? '', /application\/vnd\.apple\.mpegurl/);
    const entries = [...r.body.matchAll(/#EXT-X-STREAM-INF:([^\n]+)\n([^\n]+)/g)].map((m) => ({ attrs: m[1]!, uri: m[2]! }));
    assert.deepEqual(entries.map((e) => e.uri).sort(), ['envivo/index.m3u8', 'envivo_audio/index.m3u8', 'envivo_low/index.m3u8', 'envivo_mid/index.m3u8']);
    for (const e of entries) {
      assert.match(e.attrs, /BANDWIDTH=\d+/);
      assert.match(e.attrs, /CODECS="[^"]*mp4a\.40\.2/);
      if (!e.uri.startsWith('envivo_audio')) assert.match(e.attrs, /RESOLUTION=\d+x\d+/);
    }
    assert.match(entries.find((e) => e.uri === 'envivo/index.m3u8')!.attrs, /RESOLUTION=1280x720/);
    assert.match(entries.find((e) => e.uri === 'envivo_mid/index.m3u8')!.attrs, /RESOLUTION=854x480/);
    const status = await svc.status();
    served.push(JSON.stringify(status));
    assert.equal(status.master, '/video/envivo.m3u8');
    assert.deepEqual(status.renditions.map((x) => x.id).sort(), ['audio', 'low', 'mid', 'source']);
  });

  test('HLS is served with correct types, caching and CORS, and nothing else under /video/', async () => {
    const pl = await text(`${svc.base}/video/envivo_low/index.m3u8`);
    assert.match(pl.headers.get('cache-control') ?? '', /no-cache/);
    assert.equal(pl.headers.get('access-control-allow-origin'), '*');
    const seg = parseMediaPlaylist(pl.body)!.segments[0]!.uri;
    const s = await fetch(`${svc.base}/video/envivo_low/${seg}`);
    assert.equal(s.status, 200);
    assert.equal(s.headers.get('content-type'), 'video/mp2t');
    assert.match(s.headers.get('cache-control') ?? '', /max-age=86400, immutable/);
    // Outside /video/ the web app's fallback page answers; nothing may ever be a file of DATA_DIR.
    for (const bad of ['/video/../secrets.json', '/video/%2e%2e/secrets.json', '/video/..%2fsecrets.json', '/video/envivo/../../../secrets.json', '/secrets.json', '/video/%2e%2e/%2e%2e/nginx/nginx.conf', '/nginx/nginx.conf']) {
      const r = await fetch(`${svc.base}${bad}`);
      const body = await r.text();
      assert.ok(!body.includes(svc.key) && !body.includes('streamKeys') && !body.includes('rtmp {'), `${bad} must not leak secrets`);
      assert.ok(r.status !== 200 || (r.headers.get('content-type') ?? '').startsWith('text/html'), `${bad} must not serve a data file`);
    }
    for (const notMedia of ['/video/', '/video/envivo/', '/video/envivo/index.m3u8.bak', '/video/envivo/../envivo_low/index.m3u8x']) {
      assert.equal((await fetch(`${svc.base}${notMedia}`)).status, 404, notMedia);
    }
  });

  test("nginx's callbacks are not reachable on the public port", async () => {
    for (const p of ['/v1/streaming/on', '/v1/streaming/off']) {
      const r = await fetch(`${svc.base}${p}`, { method: 'POST', body: `call=publish&app=live&name=${svc.key}`, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
      assert.equal(r.status, 404, p);
    }
    // On the internal listener, without the shared token, they are refused.
    const r = await fetch(`http://127.0.0.1:${svc.internalPort}/v1/streaming/on`, { method: 'POST', body: `call=publish&app=live&name=${svc.key}`, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    assert.equal(r.status, 403);
  });

  test('a 4 s blip of the publisher never shows viewers "offline"', async () => {
    const ws = await watchStates(svc.base);
    await pub!.stop();
    await sleep(4000);
    pub = publish(ingest(svc.key));
    await waitFor('live again after the blip', async () => (await svc.status()).state === 'live', 30_000, 200);
    await sleep(300);
    ws.close();
    assert.ok(!legacy.messages.some((m) => m.action === 'stream-ended'), 'the legacy frontend was not told the stream ended');
    assert.ok(ws.states.includes('reconnecting'), `viewers saw "reconnecting" (saw ${ws.states.join(',')})`);
    assert.ok(!ws.states.includes('offline'), `viewers never saw offline (saw ${ws.states.join(',')})`);
    assert.equal(ws.states.at(-1), 'live');
  });

  test('kill -9 of the transcoder: the source keeps playing and the ladder comes back', async () => {
    const before = await svc.health();
    const pid = before.transcoder.pid as number;
    assert.ok(pid > 0, 'the transcoder is running');
    const ws = await watchStates(svc.base);
    const seqBefore = parseMediaPlaylist((await text(`${svc.base}/video/envivo/index.m3u8`)).body)!;
    const lastBefore = seqBefore.mediaSequence + seqBefore.segments.length;
    process.kill(pid, 'SIGKILL');
    const killedAt = Date.now();
    const back = await waitFor('a new transcoder with every rung fresh', async () => {
      const h = await svc.health();
      return h.transcoder.pid && h.transcoder.pid !== pid && h.renditions.every((r: any) => r.ready) ? h : undefined;
    }, 30_000, 200);
    const recoverySec = (Date.now() - killedAt) / 1000;
    // The source is nginx's copy of the publisher: it never stopped (a new 2 s segment at most ~2 s later).
    await waitFor('the source rendition to list a segment newer than before the kill', async () => {
      const after = parseMediaPlaylist((await text(`${svc.base}/video/envivo/index.m3u8`)).body)!;
      return after.mediaSequence + after.segments.length > lastBefore;
    }, Math.max(500, 6000 - (Date.now() - killedAt)), 200);
    ws.close();
    assert.ok(back.transcoder.restarts >= 1);
    assert.ok(!ws.states.includes('offline') && !ws.states.includes('starting'), `state stayed live (saw ${ws.states.join(',')})`);
    assert.equal((await svc.status()).state, 'live');
    assert.ok(recoverySec < 15, `ladder back in ${recoverySec} s`);
    assert.match(svc.logs(), /transcoder exited; restarting/);
  });

  test('a service killed mid-stream is live again after it restarts', async () => {
    svc.kill9();
    await sleep(500);
    // nginx outlives the service: HLS keeps being served.
    const during = await fetch(`${svc.base}/video/envivo/index.m3u8`);
    assert.equal(during.status, 200, 'nginx kept serving HLS while the service was down');
    const t0 = Date.now();
    await svc.restart();
    await waitFor('live after restart', async () => (await svc.status()).state === 'live', 30_000, 100);
    const seconds = (Date.now() - t0) / 1000;
    assert.ok(seconds < 15, `live again ${seconds} s after restart`);
    assert.match(svc.logs(), /nginx already running from a previous start; adopted/);
  });

  test('when the publisher stops, viewers see "reconnecting" and then "offline" after the grace period', async () => {
    const ws = await watchStates(svc.base);
    const legacyEnd = await connect(`ws://127.0.0.1:${svc.httpPort}/v1/websocket`);
    await pub!.stop();
    const stoppedAt = Date.now();
    await waitFor('reconnecting', async () => (await svc.status()).state === 'reconnecting', 10_000, 100);
    await sleep(7000);
    assert.equal((await svc.status()).state, 'reconnecting', 'still within the 10 s grace period');
    assert.ok(!legacyEnd.messages.some((m) => m.action === 'stream-ended'), 'not ended for the legacy frontend during the grace period');
    await waitFor('offline', async () => (await svc.status()).state === 'offline', 15_000, 100);
    const after = (Date.now() - stoppedAt) / 1000;
    ws.close();
    assert.ok(after >= 9.5, `offline only after the grace period (${after} s)`);
    assert.deepEqual(ws.states.slice(-2), ['reconnecting', 'offline']);
    await legacyEnd.next((m) => m.action === 'stream-ended', 'legacy stream-ended');
    legacyEnd.close();
    const master = await fetch(`${svc.base}/video/envivo.m3u8`);
    assert.equal(master.status, 404, 'the master playlist is withdrawn when offline');
    const h = await svc.health();
    assert.equal(h.transcoder.phase, 'stopped', 'the transcoder stops with the publisher');
  });

  test('the key appears in no served URL or body, no file name and no log line', async () => {
    for (const body of served) assert.ok(!body.includes(svc.key), 'served body leaks the key');
    for (const f of listFiles(svc.dataDir)) {
      assert.ok(!f.includes(svc.key), `file name ${f} contains the key`);
      if (/\.(log|err|m3u8|conf)$/.test(f)) assert.ok(!readFileSync(f, 'utf8').includes(svc.key), `${f} contains the key`);
    }
    assert.ok(svc.logs().length > 1000, 'the service did log');
    assert.ok(!svc.logs().includes(svc.key));
  });
});
