/**
 * The sermon archive against the real service, nginx-rtmp and ffmpeg: every broadcast recorded, finalised
 * into a faststart MP4 and an M4A (copied from the listening copy's parts: the ladder's audio rendition), served
 * with byte ranges, listed, in the podcast; blips, crashes, trims, unpublishing, a publisher without audio,
 * private-by-default and retention in the running service. One service for the whole file; a 5 s grace
 * period keeps the waits short. Over 300 lines for that reason: each case builds on the recordings the
 * earlier ones left (retention prunes them), so splitting it would mean recording them all again.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, openSync, readFileSync, readSync, closeSync, statSync, fstatSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { XMLParser } from 'fast-xml-parser';
import { isAlive } from '../../server/src/process/processes.js';
import { figure } from '../helpers/faults.js';
import { cleanupService, ensureBuilt, publish, sleep, startService, waitFor, type Publisher, type ServiceHandle } from '../helpers/platform.js';

const PASSWORD = 'clave-de-prueba-archivo';

interface AdminRecording {
  id: string;
  status: string;
  title: string;
  duration: number;
  published: boolean;
  startedAt: string;
  audioBytes: number;
  videoBytes: number;
  pendingTrim: { duration: number } | null;
}

/** Top-level MP4 boxes in file order. */
function topLevelBoxes(file: string): string[] {
  const fd = openSync(file, 'r');
  const size = fstatSync(fd).size;
  const out: string[] = [];
  const head = Buffer.alloc(16);
  let at = 0;
  while (at + 8 <= size) {
    readSync(fd, head, 0, 16, at);
    let len = head.readUInt32BE(0);
    const type = head.toString('latin1', 4, 8);
    if (len === 1) len = Number(head.readBigUInt64BE(8));
    if (len === 0) len = size - at;
    out.push(type);
    if (len < 8) break;
    at += len;
  }
  closeSync(fd);
  return out;
}

function probe(file: string): { duration: number; streams: { codec_type: string; codec_name: string; bit_rate?: string }[] } {
  const out = JSON.parse(execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'format=duration:stream=codec_type,codec_name,bit_rate', '-of', 'json', file], { encoding: 'utf8' }));
  return { duration: Number(out.format.duration), streams: out.streams };
}

/** The audio tracks of a part file (the recorder's: the source's, copied; the listening copy's: the ladder's AAC rendition). */
function audioTracks(file: string): string[] {
  return probe(file).streams.filter((s) => s.codec_type === 'audio').map((s) => s.codec_name);
}

/** The service's log lines of one event (JSON lines), for what the service did with a recording. */
function events(logs: string, event: string, recording: string): Record<string, unknown>[] {
  return logs
    .split('\n')
    .filter((l) => l.includes(`"${event}"`) && l.includes(recording))
    .map((l) => JSON.parse(l.slice(l.indexOf('{'))) as Record<string, unknown>);
}

/** Decodes the whole file: a player could play it from start to end. */
function decodes(file: string): string {
  return execFileSync('ffmpeg', ['-v', 'error', '-i', file, '-f', 'null', '-'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

describe('the sermon archive with real nginx-rtmp and ffmpeg', { timeout: 400_000 }, () => {
  let svc: ServiceHandle;
  let pub: Publisher | undefined;
  let admin: { cookie: string; csrf: string };
  let first: AdminRecording;

  const ingest = () => `rtmp://127.0.0.1:${svc.rtmpPort}/live/${svc.key}`;
  const recDir = (id: string) => path.join(svc.dataDir, 'recordings', id);
  const login = async () => {
    const r = await fetch(`${svc.base}/api/v1/admin/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ password: PASSWORD }) });
    assert.equal(r.status, 200);
    admin = { cookie: (r.headers.get('set-cookie') ?? '').split(';')[0]!, csrf: ((await r.json()) as { csrfToken: string }).csrfToken };
  };
  const call = (method: string, p: string, body?: unknown) =>
    fetch(`${svc.base}/api/v1/admin${p}`, {
      method,
      headers: { cookie: admin.cookie, 'x-csrf-token': admin.csrf, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const recordings = async (): Promise<AdminRecording[]> => ((await (await call('GET', '/recordings')).json()) as { recordings: AdminRecording[] }).recordings;
  const waitReady = (id: string, timeoutMs = 60_000) =>
    waitFor(`recording ${id} finalised`, async () => (await recordings()).find((r) => r.id === id && r.status === 'ready' && r.audioBytes > 0), timeoutMs, 250);
  const waitOffline = () => waitFor('offline', async () => (await svc.status()).state === 'offline', 30_000, 200);

  before(async () => {
    ensureBuilt();
    svc = await startService({ ADMIN_PASSWORD: PASSWORD, GRACE_SECONDS: '5' });
    await login();
  });
  after(async () => {
    await pub?.stop();
    await cleanupService(svc);
  });

  test('a 20 s publish becomes a published recording: right duration, both tracks, moov first, ranges, audio, podcast', async () => {
    const published = 20;
    pub = publish(ingest(), { seconds: published });
    const rec = await waitFor('a recording being written', async () => (await recordings()).find((r) => r.status === 'recording'), 20_000, 200);
    assert.match(rec.title, /^Servicio del (domingo|lunes|martes|miércoles|jueves|viernes|sábado) \d{1,2} de [a-z]+ de \d{4}, \d{2}:\d{2}$/);
    assert.ok(!readdirSync(path.join(svc.dataDir, 'recordings')).some((n) => n.includes(svc.key)), 'no name derived from the key');
    // While live, the recorder's part carries the source's audio (copied), and the listening copy writes the
    // ladder's audio-only rendition (AAC 96 kbps, already encoded for the live page) beside it: no encoder.
    const part = path.join(recDir(rec.id), 'part-0001.ts');
    const listen = path.join(recDir(rec.id), 'listen-0001.ts');
    await waitFor('the parts being written', () => [part, listen].every((f) => existsSync(f) && statSync(f).size > 0), 20_000, 200);
    assert.deepEqual(audioTracks(part), ['aac'], 'the source audio, copied');
    const l = probe(listen);
    assert.deepEqual(l.streams.map((s) => `${s.codec_type}:${s.codec_name}`), ['audio:aac'], 'the listening copy is audio only');
    const listener = (JSON.parse(readFileSync(path.join(svc.dataDir, 'recorder-listening.pid'), 'utf8')) as { pid: number; id: string });
    assert.equal(listener.id, rec.id);
    const cmdline = readFileSync(`/proc/${listener.pid}/cmdline`, 'utf8').split('\0').join(' ');
    assert.match(cmdline, new RegExp(`-i rtmp://127\\.0\\.0\\.1:${svc.rtmpPort}/hls/[^ ]+_audio -map 0:a:0 -c copy `), 'it copies the ladder\'s audio rendition');
    await pub.exited;
    await waitOffline();
    const tOffline = Date.now();
    first = await waitReady(rec.id);
    figure('archive_offline_to_published_20s_ms', Date.now() - tOffline);
    assert.equal(first.published, true, 'published by default');
    assert.ok(Math.abs(first.duration - published) <= 2, `duration ${first.duration} s for ${published} s published`);

    const video = path.join(recDir(rec.id), 'video.mp4');
    const audio = path.join(recDir(rec.id), 'audio.m4a');
    const v = probe(video);
    assert.deepEqual(v.streams.map((s) => `${s.codec_type}:${s.codec_name}`).sort(), ['audio:aac', 'video:h264']);
    const boxes = topLevelBoxes(video);
    assert.ok(boxes.indexOf('moov') >= 0 && boxes.indexOf('moov') < boxes.indexOf('mdat'), `moov before mdat: ${boxes.join(',')}`);
    assert.equal(readdirSync(recDir(rec.id)).filter((f) => f.startsWith('part-') || f.startsWith('listen-')).length, 0, 'parts removed once finalised');

    const a = probe(audio);
    assert.deepEqual(a.streams.map((s) => `${s.codec_type}:${s.codec_name}`), ['audio:aac']);
    assert.ok(Number(a.streams[0]!.bit_rate) <= 100_000, `audio bitrate ${a.streams[0]!.bit_rate}`);
    // The listening copy starts with the ladder's audio rendition, 1–3 s after the recorder (finaliser.ts AUDIO_SHORT_S).
    assert.ok(v.duration - a.duration <= 4 && a.duration - v.duration <= 1, `audio ${a.duration} s, video ${v.duration} s`);
    assert.equal(decodes(audio).trim(), '', 'the audio plays from start to end');
    // Finalising copied the listening copy's parts: no audio encode, while live or after.
    const finalised = events(svc.logs(), 'recording_finalised', rec.id);
    assert.deepEqual(finalised.map((e) => e.audio), ['live'], JSON.stringify(finalised));

    // The public API and the files through nginx.
    const list = (await (await fetch(`${svc.base}/api/v1/recordings`)).json()) as { recordings: { id: string; video: string; audio: string; poster: string; page: string; duration: number; title: string; startedAt: string }[] };
    const item = list.recordings.find((r) => r.id === rec.id)!;
    assert.ok(item, 'listed');
    assert.deepEqual(Object.keys(item).filter((k) => ['id', 'title', 'startedAt', 'duration', 'video', 'audio', 'poster', 'page'].includes(k)).length, 8);
    const one = await fetch(`${svc.base}/api/v1/recordings/${rec.id}`);
    assert.equal(one.status, 200);
    const range = await fetch(`${svc.base}${item.video}`, { headers: { range: 'bytes=100-1099' } });
    assert.equal(range.status, 206);
    assert.equal(range.headers.get('content-range'), `bytes 100-1099/${statSync(video).size}`);
    assert.equal((await range.arrayBuffer()).byteLength, 1000);
    assert.equal(range.headers.get('content-type'), 'video/mp4');
    // Podcast apps check an enclosure with HEAD first.
    const head = await fetch(`${svc.base}${item.audio}`, { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.equal(Number(head.headers.get('content-length')), statSync(audio).size);
    assert.equal(head.headers.get('content-type'), 'audio/mp4');
    const whole = await fetch(`${svc.base}${item.audio}`);
    assert.equal(whole.status, 200);
    assert.equal(Number(whole.headers.get('content-length')), statSync(audio).size);
    await whole.arrayBuffer();
    const poster = await fetch(`${svc.base}${item.poster}`);
    assert.equal(poster.status, 200);
    assert.equal(poster.headers.get('content-type'), 'image/jpeg');
    await poster.arrayBuffer();
    const download = await fetch(`${svc.base}${item.video}?download=1`, { headers: { range: 'bytes=0-9' } });
    assert.match(download.headers.get('content-disposition') ?? '', /^attachment; filename="servicio-\d{4}-\d{2}-\d{2}\.mp4"$/);
    await download.arrayBuffer();

    // The podcast: parsed by a real XML parser, the enclosure's length is the file's size.
    const feed = await fetch(`${svc.base}/podcast.xml`);
    assert.equal(feed.status, 200);
    assert.match(feed.headers.get('content-type') ?? '', /^application\/rss\+xml/);
    const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', parseTagValue: false }).parse(await feed.text());
    const items = [doc.rss.channel.item].flat();
    const entry = items.find((i: { guid: { '#text': string } }) => i.guid['#text'].endsWith(rec.id));
    assert.ok(entry, 'the recording is in the feed');
    assert.equal(Number(entry.enclosure['@length']), statSync(audio).size);
    assert.equal(entry.enclosure['@url'], `http://localhost:${svc.httpPort}${item.audio}`);
    assert.equal(doc.rss.channel.language, 'es');

    // The recording's page carries its own share tags.
    const page = await fetch(`${svc.base}/archivo/${rec.id}`);
    if (existsSync(path.join(svc.env.WEB_ROOT ?? 'web/dist', 'index.html'))) {
      assert.equal(page.status, 200);
      assert.match(await page.text(), new RegExp(`og:url" content="[^"]*/archivo/${rec.id}"`));
    } else await page.arrayBuffer();
  });

  test('a blip within the grace period is one recording; a new service after offline is another', async () => {
    const before = (await recordings()).length;
    pub = publish(ingest());
    await waitFor('live', async () => (await svc.status()).state === 'live', 30_000, 200);
    await sleep(3000);
    await pub.stop();
    await sleep(1000);
    pub = publish(ingest(), { seconds: 6 });
    await pub.exited;
    await waitOffline();
    const all = await waitFor('one more recording, finalised', async () => {
      const list = await recordings();
      return list.length === before + 1 && list.every((r) => r.status === 'ready' && r.audioBytes > 0) ? list : undefined;
    }, 60_000, 250);
    assert.equal(all.length, before + 1, 'one recording for the blip');
    assert.notEqual(all[0]!.id, first.id, 'a new service after offline is a new recording');
    assert.ok(all[0]!.duration >= 8, `the recording holds both sides of the blip (${all[0]!.duration} s)`);
  });

  test('kill -9 of the service, then of the recorder, then of both: the recording plays up to the kill and the next start finalises it', async () => {
    pub = publish(ingest());
    const rec = await waitFor('a recording being written', async () => (await recordings()).find((r) => r.status === 'recording'), 20_000, 200);
    const pidFile = path.join(svc.dataDir, 'recorder.pid');
    const pidOf = (file: string) => () => (existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as { pid: number }).pid : undefined);
    const recorderPid = pidOf(pidFile);
    const listeningPid = pidOf(path.join(svc.dataDir, 'recorder-listening.pid'));
    await waitFor('the recorder pid files', () => recorderPid() && listeningPid(), 10_000);
    await sleep(5000);
    // 1. The service dies; the recorder and its listening copy keep writing and are adopted by the next start.
    svc.kill9();
    await sleep(1500);
    const survivor = recorderPid()!;
    const listener = listeningPid()!;
    process.kill(survivor, 0);
    process.kill(listener, 0);
    await svc.restart();
    await login();
    await waitFor('the recorder adopted', () => /"recorder_adopted"/.test(svc.logs()), 10_000);
    await waitFor('the listening copy adopted', () => /"listening_recorder_adopted"/.test(svc.logs()), 10_000);
    assert.deepEqual(events(svc.logs(), 'listening_recorder_adopted', rec.id).map((e) => e.pid), [listener]);
    // 2. The recorder dies: a new one writes the next part of the same recording.
    figure('archive_crash_part1_before_kill_s', probe(path.join(recDir(rec.id), 'part-0001.ts')).duration);
    figure('archive_crash_wall_before_kill_s', (Date.now() - Date.parse(rec.startedAt)) / 1000);
    process.kill(survivor, 'SIGKILL');
    const second = await waitFor('a new recorder', () => {
      const p = recorderPid();
      return p && p !== survivor ? p : undefined;
    }, 10_000);
    await waitFor('a second part', () => readdirSync(recDir(rec.id)).filter((f) => f.startsWith('part-') && statSync(path.join(recDir(rec.id), f)).size > 0).length >= 2, 15_000, 200);
    await sleep(4000);
    // 3. Both die at once, and the publisher leaves while nothing runs but the listening copy (it ends with
    // the ladder's rendition, or the next start ends it: it writes a recording no one is recording).
    const lastListener = listeningPid()!;
    svc.kill9();
    process.kill(second, 'SIGKILL');
    const killedAt = Date.now();
    await pub.stop();
    const parts = readdirSync(recDir(rec.id)).filter((f) => f.startsWith('part-'));
    assert.ok(parts.length >= 2, `parts: ${parts.join(', ')}`);
    const partSeconds = parts.map((f) => probe(path.join(recDir(rec.id), f)).duration);
    figure('archive_crash_parts_s', partSeconds.map((d) => d.toFixed(1)).join('+'));
    await svc.restart();
    await login();
    const done = await waitReady(rec.id);
    assert.equal(isAlive(lastListener), false, 'no listening copy left running');
    const expected = (killedAt - Date.parse(rec.startedAt)) / 1000;
    figure('archive_crash_recording_lost_s', expected - done.duration);
    // What a crash costs: each recorder start waits for the publisher's next keyframe (2 s GOP), once at
    // the start and once after the recorder's own crash (~2 s each, measured 3.6–4.8 s in all); the kill
    // itself loses a fraction of a second.
    assert.ok(done.duration >= expected - 6 && done.duration <= expected + 1, `duration ${done.duration} s, ${expected.toFixed(1)} s from start to the kill`);
    assert.equal(done.published, true, 'a recording finalised after a crash is published like any other');
    const video = path.join(recDir(rec.id), 'video.mp4');
    assert.equal(decodes(video).trim(), '', 'plays from start to end without decoding errors');
    assert.ok(Math.abs(probe(video).duration - done.duration) < 1);
    // The audio file too lasts up to the kill: copied from the listening copy's parts, crashes and all. It
    // may hold a little more than the video: it ran on while the killed recorder waited for a keyframe.
    const audio = path.join(recDir(rec.id), 'audio.m4a');
    const audioSeconds = probe(audio).duration;
    figure('archive_crash_audio_minus_video_s', audioSeconds - done.duration);
    assert.ok(audioSeconds >= done.duration - 4 && audioSeconds <= expected + 1, `audio ${audioSeconds} s, video ${done.duration} s, ${expected.toFixed(1)} s from start to the kill`);
    assert.equal(decodes(audio).trim(), '', 'the audio plays from start to end');
    const finalised = events(svc.logs(), 'recording_finalised', rec.id);
    assert.deepEqual(finalised.map((e) => e.audio), ['live'], JSON.stringify(finalised));
  });

  test('trim: a prepared cut keeps the original until saved; bad trims are 422; unknown ids are 404', async () => {
    const id = first.id;
    const original = statSync(path.join(recDir(id), 'video.mp4')).size;
    assert.equal((await call('POST', `/recordings/${id}/trim`, { start: 0, end: first.duration + 30 })).status, 422);
    assert.equal((await call('POST', `/recordings/${id}/trim`, { start: 10, end: 12 })).status, 422);
    const bad = await call('POST', `/recordings/${id}/trim`, { start: 12, end: 4 });
    assert.equal(bad.status, 422);
    assert.match(((await bad.json()) as { message: string }).message, / \/ /);
    assert.equal((await call('POST', '/recordings/20990101-deadbeef/trim', { start: 0, end: 10 })).status, 404);
    assert.equal((await fetch(`${svc.base}/api/v1/recordings/20990101-deadbeef`)).status, 404);
    assert.equal((await fetch(`${svc.base}/api/v1/recordings/..%2Fsecrets.json`)).status, 400, 'nginx refuses an encoded path');
    assert.equal((await fetch(`http://127.0.0.1:${svc.internalPort}/api/v1/recordings/..%2Fsecrets.json/video.mp4`)).status, 404);

    const prepared = await call('POST', `/recordings/${id}/trim`, { start: 4, end: 14 });
    assert.equal(prepared.status, 200);
    const pending = ((await prepared.json()) as AdminRecording).pendingTrim!;
    assert.ok(Math.abs(pending.duration - 10) <= 2.5, `trimmed ${pending.duration} s for 10 s asked`);
    assert.equal(statSync(path.join(recDir(id), 'video.mp4')).size, original, 'the original is untouched until saved');
    assert.equal(((await (await fetch(`${svc.base}/api/v1/recordings/${id}`)).json()) as { duration: number }).duration, Math.round(first.duration));

    const saved = (await (await call('POST', `/recordings/${id}/trim/save`)).json()) as AdminRecording;
    assert.ok(Math.abs(saved.duration - pending.duration) < 0.5);
    assert.ok(Math.abs(probe(path.join(recDir(id), 'video.mp4')).duration - pending.duration) < 0.5);
    assert.ok(Math.abs(probe(path.join(recDir(id), 'audio.m4a')).duration - pending.duration) < 1, 'the audio follows the trim');
    assert.deepEqual(topLevelBoxes(path.join(recDir(id), 'video.mp4')).filter((b) => b === 'moov' || b === 'mdat'), ['moov', 'mdat']);
  });

  test('unpublish hides a recording from the API, its files and the feed; rename and describe show', async () => {
    const id = first.id;
    const renamed = await call('PATCH', `/recordings/${id}`, { title: 'La fe que obra <por> el amor', description: 'Gálatas 5:6' });
    assert.equal(renamed.status, 200);
    assert.equal(((await (await fetch(`${svc.base}/api/v1/recordings/${id}`)).json()) as { title: string }).title, 'La fe que obra <por> el amor');
    assert.match(await (await fetch(`${svc.base}/podcast.xml`)).text(), /La fe que obra &lt;por&gt; el amor/);
    assert.equal((await call('PATCH', `/recordings/${id}`, { title: '' })).status, 422);

    assert.equal((await call('PATCH', `/recordings/${id}`, { published: false })).status, 200);
    assert.equal((await fetch(`${svc.base}/api/v1/recordings/${id}`)).status, 404);
    assert.equal((await fetch(`${svc.base}/api/v1/recordings/${id}/video.mp4`)).status, 404);
    const list = (await (await fetch(`${svc.base}/api/v1/recordings`)).json()) as { recordings: { id: string }[] };
    assert.ok(!list.recordings.some((r) => r.id === id));
    assert.doesNotMatch(await (await fetch(`${svc.base}/podcast.xml`)).text(), new RegExp(id));
    // The admin still downloads it.
    const dl = await call('GET', `/recordings/${id}/files/video.mp4?download=1`);
    assert.equal(dl.status, 200);
    assert.match(dl.headers.get('content-disposition') ?? '', /attachment/);
    await dl.arrayBuffer();
    assert.equal((await fetch(`${svc.base}/api/v1/admin/recordings/${id}/files/video.mp4`)).status, 401);

    // Private by default, then deleted.
    const settings = await call('PUT', '/recordings/settings', { privateByDefault: true });
    assert.equal(((await settings.json()) as { privateByDefault: boolean }).privateByDefault, true);
    const all = (await (await call('GET', '/recordings')).json()) as { disk: { freeBytes: number; usedBytes: number } };
    assert.ok(all.disk.freeBytes > 0 && all.disk.usedBytes > 0);
    assert.equal((await call('DELETE', `/recordings/${id}`)).status, 200);
    assert.ok(!existsSync(recDir(id)));
    assert.equal((await call('GET', `/recordings/${id}`)).status, 404);
  });

  const waitFinished = (id: string) => waitFor(`recording ${id} finished`, async () => (await recordings()).find((r) => r.id === id && r.status === 'ready'), 60_000, 250);
  /** Publishes for `seconds`, waits for offline and the recording to be finished; returns it. */
  const broadcast = async (seconds: number, opts: { audio?: boolean } = {}): Promise<AdminRecording> => {
    const known = new Set((await recordings()).map((r) => r.id));
    pub = publish(ingest(), { seconds, ...opts });
    const rec = await waitFor('a new recording being written', async () => (await recordings()).find((r) => !known.has(r.id) && r.status === 'recording'), 20_000, 200);
    await pub.exited;
    await waitOffline();
    return waitFinished(rec.id);
  };
  const publicIds = async () => ((await (await fetch(`${svc.base}/api/v1/recordings`)).json()) as { recordings: { id: string }[] }).recordings.map((r) => r.id);
  const feed = async () => (await fetch(`${svc.base}/podcast.xml`)).text();
  const webBuilt = () => existsSync(path.join(svc.env.WEB_ROOT ?? 'web/dist', 'index.html'));

  test('«Nuevas grabaciones privadas hasta que las publique»: a new recording stays off the API, /archivo and the feed until published', async () => {
    assert.equal((await call('PUT', '/recordings/settings', { privateByDefault: true })).status, 200);
    const rec = await broadcast(8);
    assert.equal(rec.published, false, 'finished, not published');
    assert.ok(rec.audioBytes > 0 && rec.duration > 0, 'finalised all the same');
    assert.ok(!(await publicIds()).includes(rec.id), 'not in /api/v1/recordings (what /archivo lists)');
    assert.equal((await fetch(`${svc.base}/api/v1/recordings/${rec.id}`)).status, 404);
    assert.equal((await fetch(`${svc.base}/api/v1/recordings/${rec.id}/audio.m4a`)).status, 404);
    assert.doesNotMatch(await feed(), new RegExp(rec.id), 'not in the podcast');
    if (webBuilt()) assert.doesNotMatch(await (await fetch(`${svc.base}/archivo/${rec.id}`)).text(), new RegExp(`og:url" content="[^"]*/archivo/${rec.id}"`), '/archivo/ID has no share tags for it');

    assert.equal((await call('PATCH', `/recordings/${rec.id}`, { published: true })).status, 200);
    assert.ok((await publicIds()).includes(rec.id), 'listed once published');
    assert.equal((await fetch(`${svc.base}/api/v1/recordings/${rec.id}`)).status, 200);
    assert.match(await feed(), new RegExp(rec.id), 'in the podcast once published');
    if (webBuilt()) assert.match(await (await fetch(`${svc.base}/archivo/${rec.id}`)).text(), new RegExp(`og:url" content="[^"]*/archivo/${rec.id}"`));
  });

  test('a publisher without audio: a video-only recording, no audio file, no restarts of the recorder or its listening copy', async () => {
    assert.equal((await call('PUT', '/recordings/settings', { privateByDefault: false })).status, 200);
    const rec = await broadcast(10, { audio: false });
    assert.equal(rec.published, true);
    // The recorder starts at the publisher's next keyframe (2 s GOP): up to ~2 s less than published.
    assert.ok(rec.duration >= 10 - 3 && rec.duration <= 10 + 1, `duration ${rec.duration} s for 10 s published`);
    assert.equal(rec.audioBytes, 0);
    assert.deepEqual(probe(path.join(recDir(rec.id), 'video.mp4')).streams.map((s) => `${s.codec_type}:${s.codec_name}`), ['video:h264']);
    assert.ok(!existsSync(path.join(recDir(rec.id), 'audio.m4a')), 'no audio file');
    const logs = svc.logs();
    // Two runs at most: the first, and the next part started when the publisher left (ended by us, SIGKILL).
    // An ffmpeg failing for want of an audio stream would exit with a code, again and again.
    assert.ok(events(logs, 'recorder_started', rec.id).length <= 2, 'no restart loop');
    const exits = events(logs, 'recorder_exited', rec.id);
    assert.deepEqual(exits.filter((e) => e.signal !== 'SIGKILL'), [], 'the recorder never failed for want of an audio stream');
    assert.deepEqual(events(logs, 'recording_finalised', rec.id).map((e) => e.audio), ['none']);
    // The listening copy waits for the ladder's audio rendition, which never comes: it is ended once the
    // source is known to be silent — once, without a restart loop or its ffmpeg's errors in the log.
    assert.ok(events(logs, 'listening_recorder_started', rec.id).length <= 1, 'started once at most');
    assert.deepEqual(events(logs, 'listening_recorder_exited', rec.id), [], 'never restarted');
    assert.ok(events(logs, 'listening_recorder_stopped', rec.id).length <= 1);
    // The API says there is no audio; the page offers none; the feed leaves it out.
    const one = (await (await fetch(`${svc.base}/api/v1/recordings/${rec.id}`)).json()) as { audio: string | null; video: string };
    assert.equal(one.audio, null);
    assert.equal((await fetch(`${svc.base}${one.video}`, { method: 'HEAD' })).status, 200);
    assert.equal((await fetch(`${svc.base}/api/v1/recordings/${rec.id}/audio.m4a`)).status, 404);
    assert.doesNotMatch(await feed(), new RegExp(rec.id));
  });

  test('retention in the running service: keep last N and N days, never the recording being written nor the newest', async () => {
    const finished = (await recordings()).filter((r) => r.status === 'ready');
    assert.ok(finished.length >= 3, `recordings to prune: ${finished.length}`);
    const newest = finished[0]!;
    pub = publish(ingest());
    const writing = await waitFor('a recording being written', async () => (await recordings()).find((r) => r.status === 'recording'), 20_000, 200);
    const part = path.join(recDir(writing.id), 'part-0001.ts');
    await waitFor('its first bytes', () => existsSync(part) && statSync(part).size > 0, 20_000, 200);

    // Keep the last 1: every finished recording but the newest goes; the one being written stays.
    const kept = await call('PUT', '/recordings/settings', { keepLast: 1 });
    assert.equal(((await kept.json()) as { keepLast: number }).keepLast, 1);
    assert.deepEqual((await recordings()).map((r) => r.id), [writing.id, newest.id]);
    for (const r of finished.slice(1)) assert.ok(!existsSync(recDir(r.id)), `${r.id} deleted with its files`);
    assert.ok(existsSync(recDir(newest.id)) && existsSync(part), 'the newest and the one being written keep their files');
    const size = statSync(part).size;
    await waitFor('the recording still growing', () => statSync(part).size > size, 10_000, 200);

    // Keep N days: the newest finished one is kept even when older than that. (Its start is moved ten days
    // back in the service's own database: a test cannot wait for days.)
    const db = new Database(path.join(svc.dataDir, 'casadelpadre.db'));
    db.pragma('busy_timeout = 5000');
    db.prepare('UPDATE recordings SET started_at = ? WHERE id = ?').run(new Date(Date.now() - 10 * 86_400_000).toISOString(), newest.id);
    db.close();
    assert.equal((await call('PUT', '/recordings/settings', { keepLast: null, keepDays: 1 })).status, 200);
    assert.deepEqual((await recordings()).map((r) => r.id), [writing.id, newest.id], 'the newest finished recording stays, however old');

    // Once the one being written is finished it is the newest, and the ten-day-old one goes.
    await pub.stop();
    await waitOffline();
    await waitFinished(writing.id);
    await waitFor('the old recording pruned', async () => (await recordings()).length === 1, 20_000, 250);
    assert.deepEqual((await recordings()).map((r) => r.id), [writing.id]);
    assert.ok(!existsSync(recDir(newest.id)) && existsSync(path.join(recDir(writing.id), 'video.mp4')));
  });
});
