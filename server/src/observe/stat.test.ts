import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { mediaOf } from './observer.js';
import { findStream, parseStat } from './stat.js';

const here = path.dirname(fileURLToPath(import.meta.url));
/** Captured from nginx-rtmp 1.1.4 while OBS (ffmpeg here) published and the ladder was running. */
const LIVE_XML = readFileSync(path.join(here, '__fixtures__', 'stat-live.xml'), 'utf8');

describe('parseStat with a capture from a live nginx-rtmp', () => {
  const snap = parseStat(LIVE_XML);

  test('reads the uptime and both applications', () => {
    assert.equal(snap.uptimeSec, 10);
    assert.deepEqual([...snap.apps.keys()], ['live', 'hls']);
  });

  test('the ingest application has the public stream publishing 1280x720 H264 Baseline 3.1 with AAC LC', () => {
    const live = snap.apps.get('live')!;
    assert.equal(live.length, 1);
    assert.deepEqual(live[0], {
      name: 'envivo',
      timeMs: 8703,
      bwIn: 0,
      bwVideo: 0,
      bwAudio: 0,
      publishing: true,
      publisherMs: 8899,
      clients: 3,
      video: { width: 1280, height: 720, fps: 30, codec: 'H264', profile: 'Baseline', level: '3.1', compat: 192 },
      audio: { codec: 'AAC', profile: 'LC', channels: 1, sampleRate: 48000 },
    });
  });

  test('the hls application lists the source and every rung, all publishing', () => {
    const hls = snap.apps.get('hls')!;
    assert.deepEqual(hls.map((s) => [s.name, s.publishing, s.timeMs]), [
      ['envivo', true, 8614],
      ['envivo_low', true, 4987],
      ['envivo_mid', true, 5174],
      ['envivo_audio', true, 4811],
    ]);
    assert.deepEqual(findStream(snap, 'hls', 'envivo_mid')?.video, { width: 854, height: 480, fps: 30, codec: 'H264', profile: 'Main', level: '3.1', compat: 64 });
    assert.deepEqual(findStream(snap, 'hls', 'envivo_low')?.audio, { codec: 'AAC', profile: 'LC', channels: 2, sampleRate: 48000 });
  });

  test('the audio-only rung (reported with a 0x0 video) has no video', () => {
    const audio = findStream(snap, 'hls', 'envivo_audio')!;
    assert.equal(audio.video, undefined);
    assert.deepEqual(audio.audio, { codec: 'AAC', profile: 'LC', channels: 2, sampleRate: 48000 });
  });

  test('findStream finds by application and name, and nothing for unknown ones', () => {
    assert.equal(findStream(snap, 'live', 'envivo')?.clients, 3);
    assert.equal(findStream(snap, 'live', 'envivo_mid'), undefined);
    assert.equal(findStream(snap, 'nope', 'envivo'), undefined);
  });

  test('the media of the source become the codec strings of the master playlist', () => {
    assert.deepEqual(mediaOf(findStream(snap, 'live', 'envivo')!), {
      width: 1280,
      height: 720,
      fps: 30,
      bandwidth: undefined,
      videoCodec: 'avc1.42c01f',
      audioCodec: 'mp4a.40.2',
    });
    const audio = mediaOf(findStream(snap, 'hls', 'envivo_audio')!);
    assert.equal(audio.videoCodec, undefined);
    assert.equal(audio.audioCodec, 'mp4a.40.2');
  });
});

describe('parseStat with odd input', () => {
  test('empty or garbage text never throws and gives no applications', () => {
    for (const xml of ['', 'garbage', '<rtmp>', '<<<>>>', '<html><body>502 Bad Gateway</body></html>', '<rtmp><server>text</server></rtmp>']) {
      const snap = parseStat(xml);
      assert.equal(snap.uptimeSec, 0, xml);
      assert.equal(snap.apps.size, 0, xml);
    }
  });

  test('an application with no streams is listed with none', () => {
    const snap = parseStat('<rtmp><uptime>3</uptime><server><application><name>live</name><live><nclients>0</nclients></live></application></server></rtmp>');
    assert.equal(snap.uptimeSec, 3);
    assert.deepEqual([...snap.apps.entries()], [['live', []]]);
  });

  test('a stream that is only being played is not publishing, and missing metadata is undefined', () => {
    const snap = parseStat(
      '<rtmp><server><application><name>live</name><live><stream><name>envivo</name><time>12</time><bw_in>800</bw_in>' +
        '<client><id>1</id><publishing/></client><nclients>1</nclients><active/></stream></live></application></server></rtmp>',
    );
    const s = findStream(snap, 'live', 'envivo')!;
    assert.equal(s.publishing, false, "a client's <publishing/> is not the stream's");
    assert.equal(s.bwIn, 800);
    assert.equal(s.timeMs, 12);
    assert.equal(s.publisherMs, undefined, 'no publisher client time where none is given');
    assert.equal(s.video, undefined);
    assert.equal(s.audio, undefined);
  });

  test('non-numeric figures become zero', () => {
    const snap = parseStat('<rtmp><uptime>soon</uptime><server><application><name>hls</name><live><stream><name>x</name><time>?</time><publishing/></stream></live></application></server></rtmp>');
    assert.equal(snap.uptimeSec, 0);
    assert.deepEqual(findStream(snap, 'hls', 'x'), { name: 'x', timeMs: 0, bwIn: 0, bwVideo: 0, bwAudio: 0, publishing: true, clients: 0 });
  });

  test("a stream kept alive by a player through its publisher's return: the publisher's own time is read", () => {
    const snap = parseStat(
      '<rtmp><server><application><name>hls</name><live><stream><name>envivo_audio</name><time>600000</time><publishing/>' +
        '<client><id>7</id><time>590000</time><flashver>LNX 9,0,124,2</flashver></client>' +
        '<client><id>9</id><time>1500</time><publishing/><active/></client><nclients>2</nclients></stream></live></application></server></rtmp>',
    );
    const s = findStream(snap, 'hls', 'envivo_audio')!;
    assert.equal(s.timeMs, 600000);
    assert.equal(s.publisherMs, 1500);
    assert.equal(s.publishing, true);
  });
});
