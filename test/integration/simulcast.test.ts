import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { statSync } from 'node:fs';
import { promisify } from 'node:util';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { cmdline, pidsWhere, watchPlaylist } from '../helpers/faults.js';
import { cleanupService, ensureBuilt, publish, randomKey, sleep, startService, waitFor, type Publisher, type ServiceHandle } from '../helpers/platform.js';
import { startDestination, type Destination } from '../helpers/rtmp-destination.js';
import { adminCall, adminLogin } from '../helpers/ws-client.js';

const PASSWORD = 'simulcast-de-prueba-1';
// Three destinations: A over plain RTMP, B over RTMPS (TLS in front of a second nginx-rtmp), C refused.
const KEY_A = `claveA-${randomKey()}`;
const KEY_B = `claveB-${randomKey()}`;
const KEY_C = `claveC-${randomKey()}`;
const KEYS = [KEY_A, KEY_B, KEY_C];
const execFileAsync = promisify(execFile);

interface View {
  id: string;
  name: string;
  enabled: boolean;
  status: { phase: string; bitrateKbps: number; bytesOut: number; reconnects: number; uptimeSec: number; reason?: { code: string; es: string; en: string } };
}

describe('simulcast to RTMP and RTMPS destinations from one publish', { timeout: 300_000 }, () => {
  let svc: ServiceHandle;
  let destA: Destination;
  let destB: Destination;
  let pub: Publisher;
  let admin: { cookie: string; csrf: string };
  const answers: string[] = [];
  const ids: Record<'A' | 'B' | 'C', string> = { A: '', B: '', C: '' };

  const call = async (method: string, p: string, body?: unknown) => {
    const r = await adminCall(svc.base, admin, method, p, body);
    answers.push(r.text);
    return r;
  };
  const views = async (): Promise<Record<string, View>> => {
    const r = await call('GET', '/api/v1/admin/simulcast');
    assert.equal(r.status, 200);
    return Object.fromEntries((r.json.destinations as View[]).map((d) => [d.name, d]));
  };
  // Asynchronous, so the HLS watch keeps polling while a destination is probed.
  const probe = async (d: Destination, key: string) => {
    const { stdout } = await execFileAsync('ffprobe', ['-v', 'error', '-show_entries', 'stream=codec_type,codec_name,width,height', '-of', 'json', `${d.rtmpUrl}/${key}`], { timeout: 20_000 });
    return JSON.parse(stdout) as { streams: { codec_type: string; codec_name: string; height?: number }[] };
  };
  const copiesTo = (port: number) => pidsWhere((pid) => cmdline(pid).includes('ffmpeg') && cmdline(pid).includes(`127.0.0.1:${port}/`));

  before(async () => {
    ensureBuilt();
    [destA, destB] = [await startDestination(), await startDestination()];
    destA.refused.add(KEY_C);
    svc = await startService({ ADMIN_PASSWORD: PASSWORD });
    admin = await adminLogin(svc.base, PASSWORD);
  });
  after(async () => {
    await pub?.stop();
    await cleanupService(svc);
    await destA?.stop();
    await destB?.stop();
  });

  test('bad input is a 422 naming the field, and nothing is saved', async () => {
    for (const [body, field] of [
      [{ name: 'X', preset: 'other', url: 'http://127.0.0.1/app', key: 'abcdefgh' }, 'url'],
      [{ name: 'X', preset: 'youtube', key: 'con espacios' }, 'key'],
      [{ name: 'X', preset: 'youtube', key: 'con\u0007control' }, 'key'],
      [{ name: 'X', preset: 'twitch', key: 'abcdefgh' }, 'preset'],
    ] as const) {
      const r = await call('POST', '/api/v1/admin/simulcast', body);
      assert.equal(r.status, 422, JSON.stringify(body));
      assert.equal(r.json.field, field);
      assert.match(r.json.message, /\//, 'Spanish / English');
    }
    assert.deepEqual(Object.keys(await views()), []);
  });

  test('destinations are saved with their keys masked, the file 0600; presets fill YouTube and Facebook', async () => {
    for (const [name, url, key] of [['A', destA.rtmpUrl, KEY_A], ['B', destB.rtmpsUrl, KEY_B], ['C', destA.rtmpUrl, KEY_C]] as const) {
      const r = await call('POST', '/api/v1/admin/simulcast', { name, preset: 'other', url, key });
      assert.equal(r.status, 201, r.text);
      assert.match(r.json.key, /^••••/);
      ids[name] = r.json.id;
    }
    const presets = (await call('GET', '/api/v1/admin/simulcast')).json.presets;
    assert.deepEqual(presets.map((p: { url: string | null }) => p.url), ['rtmps://a.rtmps.youtube.com:443/live2', 'rtmps://live-api-s.facebook.com:443/rtmp/', null]);
    assert.equal(statSync(path.join(svc.dataDir, 'simulcast.json')).mode & 0o777, 0o600);
    for (const v of Object.values(await views())) assert.equal(v.status.phase, 'off', 'nothing is sent while offline');
  });

  test('after a real publish both destinations receive H.264 + AAC at the source height within seconds of live', async () => {
    pub = publish(`rtmp://127.0.0.1:${svc.rtmpPort}/live/${svc.key}`);
    await waitFor('live', async () => (await svc.status()).state === 'live', 60_000, 250);
    const liveAt = Date.now();
    const sourceHeight = (await svc.status()).renditions.find((r) => r.id === 'source')!.height;
    for (const [d, key] of [[destA, KEY_A], [destB, KEY_B]] as const) {
      const info = await waitFor(`the stream at ${d.rtmpUrl}`, async () => {
        const s = (await probe(d, key)).streams;
        return s.length >= 2 ? s : undefined;
      }, 30_000, 500);
      assert.equal(info.find((s) => s.codec_type === 'video')?.codec_name, 'h264');
      assert.equal(info.find((s) => s.codec_type === 'audio')?.codec_name, 'aac');
      assert.equal(info.find((s) => s.codec_type === 'video')?.height, sourceHeight ?? 720);
    }
    const seconds = (Date.now() - liveAt) / 1000;
    console.log(`# both destinations playable ${seconds.toFixed(1)} s after "live"`);
    assert.ok(seconds < 20, `${seconds} s`);
    const v = await waitFor('both cards sending', async () => {
      const x = await views();
      return x.A!.status.phase === 'sending' && x.B!.status.phase === 'sending' && x.A!.status.bitrateKbps > 0 ? x : undefined;
    }, 15_000, 500);
    assert.ok(v.B!.status.bytesOut > 0);
  });

  test('a destination that refuses the key shows the refusal in the admin, in Spanish and English', async () => {
    const c = await waitFor('C failing with a reason', async () => {
      const x = (await views()).C!;
      return x.status.phase !== 'sending' && x.status.reason ? x : undefined;
    }, 20_000, 500);
    assert.equal(c.status.reason!.code, 'key_rejected');
    assert.equal(c.status.reason!.es, 'La clave fue rechazada por el destino');
    assert.ok(destA.publishes.filter((k) => k === KEY_C).length >= 1);
  });

  test('a destination killed with kill -9 gets the stream back by itself; our HLS and the other destination never stop', async () => {
    const watch = watchPlaylist(`${svc.base}/video/${(await svc.status()).name}/index.m3u8`);
    const bBefore = (await views()).B!.status.bytesOut;
    destA.kill9();
    const failing = await waitFor('A failing', async () => {
      const a = (await views()).A!;
      return a.status.phase !== 'sending' && a.status.reason ? a : undefined;
    }, 20_000, 300);
    console.log(`# A after kill -9: ${failing.status.reason!.code}`);
    assert.ok(['closed_by_peer', 'connect_failed'].includes(failing.status.reason!.code), failing.status.reason!.code);
    await sleep(3000);
    const during = await views();
    assert.equal(during.B!.status.phase, 'sending', 'B keeps sending');
    assert.ok(during.B!.status.bytesOut > bBefore, 'B keeps receiving');
    await destA.start();
    const t0 = Date.now();
    await waitFor('A sending again', async () => (await views()).A!.status.phase === 'sending', 30_000, 300);
    await waitFor('A playable again', async () => (await probe(destA, KEY_A)).streams.length >= 2, 20_000, 500);
    console.log(`# A back ${((Date.now() - t0) / 1000).toFixed(1)} s after its restart`);
    const hls = await watch.stop();
    const polled = watch.points.filter((p) => p.newest !== undefined);
    const seconds = (polled.at(-1)!.at - polled[0]!.at) / 1000;
    console.log(`# our HLS while A was down: ${JSON.stringify(hls)} over ${seconds.toFixed(1)} s`);
    // No missed segment: the media sequence advanced once per 2 s fragment of the time watched.
    assert.ok(hls.last! - hls.first! >= Math.floor(seconds / 2) - 1, `${hls.last! - hls.first!} segments in ${seconds} s`);
    assert.equal(hls.wentBack, false);
    assert.equal(hls.failures, 0);
    assert.ok(hls.maxGapSec < 5, `longest time without a new segment: ${hls.maxGapSec} s`);
    assert.ok((await views()).A!.status.reconnects >= 1);
  });

  test('switching one destination off while live stops only that one, and on again restarts it within seconds', async () => {
    assert.equal(copiesTo(destB.rtmpPort).length + copiesTo(Number(new URL(destB.rtmpsUrl).port)).length, 1);
    const t0 = Date.now();
    const off = await call('PATCH', `/api/v1/admin/simulcast/${ids.B}`, { enabled: false });
    assert.equal(off.status, 200);
    await waitFor('B copy gone', () => copiesTo(Number(new URL(destB.rtmpsUrl).port)).length === 0, 5000, 100);
    console.log(`# B stopped ${Date.now() - t0} ms after switching it off`);
    const x = await waitFor('B off in the admin', async () => {
      const v = await views();
      return v.B!.status.phase === 'off' ? v : undefined;
    }, 3000, 100);
    assert.equal(x.A!.status.phase, 'sending', 'A untouched');
    assert.ok(copiesTo(destA.rtmpPort).length >= 1, 'A still copying');
    assert.notEqual(x.C!.status.phase, 'off', 'C still wanted (retrying its refused key)');
    await call('PATCH', `/api/v1/admin/simulcast/${ids.B}`, { enabled: true });
    const t1 = Date.now();
    await waitFor('B sending again', async () => (await views()).B!.status.phase === 'sending', 15_000, 200);
    console.log(`# B sending ${Date.now() - t1} ms after switching it on`);
  });

  test('a publisher blip inside the grace period does not switch the copies off', async () => {
    const before = (await views()).A!.status.bytesOut;
    await pub.stop();
    const phases: string[] = [];
    const end = Date.now() + 2500;
    while (Date.now() < end) {
      phases.push((await views()).A!.status.phase);
      await sleep(250);
    }
    pub = publish(`rtmp://127.0.0.1:${svc.rtmpPort}/live/${svc.key}`);
    await waitFor('A sending after the blip', async () => {
      const a = (await views()).A!;
      phases.push(a.status.phase);
      return a.status.phase === 'sending' && a.status.bytesOut > before ? a : undefined;
    }, 30_000, 300);
    assert.ok(!phases.includes('off'), phases.join(','));
    assert.notEqual((await svc.status()).state, 'offline');
  });

  test('/metrics has per-destination up, bytes out and reconnects; the public status is unchanged', async () => {
    const text = await (await fetch(`http://127.0.0.1:${svc.internalPort}/metrics`)).text();
    answers.push(text);
    assert.match(text, /cdp_simulcast_destination_up\{destination="A"\} 1/);
    assert.match(text, /cdp_simulcast_destination_up\{destination="C"\} 0/);
    assert.match(text, /cdp_simulcast_bytes_out_total\{destination="B"\} [1-9]\d*/);
    const reconnects = Number(/cdp_simulcast_reconnects_total\{destination="A"\} (\d+)/.exec(text)?.[1]);
    assert.ok(reconnects >= 1);
    const status = await (await fetch(`${svc.base}/api/v1/status`)).text();
    answers.push(status);
    assert.deepEqual(Object.keys(JSON.parse(status)).sort(), ['lowDelay', 'master', 'name', 'reason', 'renditions', 'since', 'state', 'viewers']);
  });

  test('the destination keys appear in no log line, API answer or page', async () => {
    for (const p of ['/', '/admin', '/api/v1/status', '/v1/streaming']) answers.push(await (await fetch(`${svc.base}${p}`)).text());
    answers.push((await call('GET', '/api/v1/admin/overview')).text);
    const logs = svc.logs();
    assert.ok(logs.includes('simulcast_failed'), 'the failures were logged');
    for (const key of KEYS) {
      assert.ok(!logs.includes(key), 'no key in the logs');
      for (const a of answers) assert.ok(!a.includes(key), 'no key in an answer');
    }
  });
});
