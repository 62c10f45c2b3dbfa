import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { matchSnapshot as matchIn } from '../../../test/helpers/snapshot.js';
import { DEFAULT_LADDER, type Rung } from '../config/schema.js';
import { aacCodec, avcCodec, buildLadder, masterEntries, masterPlaylist, transcoderArgs, type RenditionMedia, type TranscoderArgsInput } from './ladder.js';

const here = path.dirname(fileURLToPath(import.meta.url));

const matchSnapshot = (name: string, actual: string) => matchIn(here, name, actual);

const ladder = buildLadder('envivo', DEFAULT_LADDER);

const input = (over: Partial<TranscoderArgsInput> = {}): TranscoderArgsInput => ({
  input: 'rtmp://127.0.0.1:1935/live/envivo',
  outputPrefix: 'rtmp://127.0.0.1:1935/hls',
  rungs: ladder.rungs,
  gopSeconds: 2,
  preset: 'veryfast',
  threads: 0,
  sourceHasAudio: true,
  ...over,
});

/** Positions of every occurrence of `value` in `args`. */
const indexesOf = (args: string[], value: string) => args.flatMap((a, i) => (a === value ? [i] : []));
/** The values following each occurrence of `flag`. */
const valuesOf = (args: string[], flag: string) => indexesOf(args, flag).map((i) => args[i + 1]);
/** The arguments of each output: from the previous output URL (or the input) up to and including its URL. */
function outputs(args: string[]): string[][] {
  const out: string[][] = [];
  let start = args.indexOf('-i') + 2;
  args.forEach((a, i) => {
    if (a.startsWith('rtmp://') && i >= start) {
      out.push(args.slice(start, i + 1));
      start = i + 1;
    }
  });
  return out;
}

describe('buildLadder', () => {
  test('the source comes first, copied under the public name, then every configured rung', () => {
    assert.deepEqual(ladder.all.map((r) => r.id), ['source', 'mid', 'low', 'audio']);
    assert.equal(ladder.source, ladder.all[0]);
    assert.deepEqual(ladder.rungs, ladder.all.slice(1));
    assert.equal(ladder.name, 'envivo');
    assert.equal(ladder.masterUrl, '/video/envivo.m3u8');
  });

  test('each rendition has the seed-compatible stream name and playlist URL', () => {
    assert.deepEqual(
      ladder.all.map((r) => [r.streamName, r.url]),
      [
        ['envivo', '/video/envivo/index.m3u8'],
        ['envivo_mid', '/video/envivo_mid/index.m3u8'],
        ['envivo_low', '/video/envivo_low/index.m3u8'],
        ['envivo_audio', '/video/envivo_audio/index.m3u8'],
      ],
    );
  });

  test('a rung without a size is audio-only; the source and video rungs are not', () => {
    assert.deepEqual(ladder.all.map((r) => r.audioOnly), [false, false, false, true]);
    const mid = ladder.rungs[0]!;
    assert.deepEqual([mid.width, mid.height, mid.videoKbps, mid.audioKbps, mid.label], [854, 480, 1400, 128, 'Media']);
    assert.equal(ladder.source.width, undefined, "the source's size is only known once it publishes");
  });

  test('with the transcoder disabled the ladder is the source alone', () => {
    const only = buildLadder('misa', []);
    assert.deepEqual(only.all.map((r) => r.streamName), ['misa']);
    assert.deepEqual(only.rungs, []);
  });
});

describe('transcoderArgs', () => {
  test('the default ladder command matches the committed snapshot', () => {
    matchSnapshot('transcoder-args.snap', `${JSON.stringify(transcoderArgs(input()), null, 2)}\n`);
  });

  test('the source is decoded once: exactly one -i', () => {
    const args = transcoderArgs(input());
    assert.deepEqual(valuesOf(args, '-i'), ['rtmp://127.0.0.1:1935/live/envivo']);
  });

  test('one decode is split into the two video rungs, each scaled to its height', () => {
    const args = transcoderArgs(input());
    assert.deepEqual(valuesOf(args, '-filter_complex'), ['[0:v:0]split=2[s0][s1];[s0]scale=w=-2:h=480[vmid];[s1]scale=w=-2:h=360[vlow]']);
  });

  test('a single video rung is scaled straight from the input without a split', () => {
    const args = transcoderArgs(input({ rungs: [ladder.rungs[1]!] }));
    assert.deepEqual(valuesOf(args, '-filter_complex'), ['[0:v:0]scale=w=-2:h=360[vlow]']);
  });

  test('every video rung is x264 veryfast/zerolatency with keyframes forced on the same 2 s grid', () => {
    const args = transcoderArgs(input());
    const [mid, low, audio] = outputs(args);
    for (const out of [mid!, low!]) {
      assert.deepEqual(valuesOf(out, '-c:v'), ['libx264']);
      assert.deepEqual(valuesOf(out, '-preset'), ['veryfast']);
      assert.deepEqual(valuesOf(out, '-tune'), ['zerolatency']);
      assert.deepEqual(valuesOf(out, '-force_key_frames'), ['expr:gte(t,n_forced*2)']);
      assert.deepEqual(valuesOf(out, '-sc_threshold'), ['0'], 'no extra keyframes on scene cuts');
    }
    assert.deepEqual(valuesOf(audio!, '-c:v'), []);
    assert.equal(indexesOf(args, '-force_key_frames').length, 2);
  });

  test('the GOP follows the configured fragment length', () => {
    assert.deepEqual(valuesOf(transcoderArgs(input({ gopSeconds: 4 })), '-force_key_frames'), ['expr:gte(t,n_forced*4)', 'expr:gte(t,n_forced*4)']);
  });

  test('each rung is published into the internal hls application under its own name', () => {
    const out = outputs(transcoderArgs(input()));
    assert.deepEqual(
      out.map((o) => o[o.length - 1]),
      ['rtmp://127.0.0.1:1935/hls/envivo_mid', 'rtmp://127.0.0.1:1935/hls/envivo_low', 'rtmp://127.0.0.1:1935/hls/envivo_audio'],
    );
    for (const o of out) assert.equal(o[o.indexOf('-f') + 1], 'flv');
  });

  test('bitrates come from the ladder: mid 1400k video + 128k audio, low 400k + 64k, audio-only 96k', () => {
    const [mid, low, audio] = outputs(transcoderArgs(input()));
    assert.deepEqual([valuesOf(mid!, '-b:v'), valuesOf(mid!, '-maxrate'), valuesOf(mid!, '-bufsize'), valuesOf(mid!, '-b:a')], [['1400k'], ['1540k'], ['2800k'], ['128k']]);
    assert.deepEqual([valuesOf(low!, '-b:v'), valuesOf(low!, '-b:a')], [['400k'], ['64k']]);
    assert.deepEqual([valuesOf(audio!, '-b:a'), valuesOf(audio!, '-map'), indexesOf(audio!, '-vn').length], [['96k'], ['0:a:0'], 1]);
  });

  test('every video rung is encoded as Main 3.1 yuv420p (what the master playlist advertises)', () => {
    const args = transcoderArgs(input());
    assert.deepEqual(valuesOf(args, '-profile:v'), ['main', 'main']);
    assert.deepEqual(valuesOf(args, '-level:v'), ['3.1', '3.1']);
    assert.deepEqual(valuesOf(args, '-pix_fmt'), ['yuv420p', 'yuv420p']);
  });

  test('a source without audio maps no audio and the audio-only rung is left out', () => {
    const args = transcoderArgs(input({ sourceHasAudio: false }));
    assert.ok(!args.includes('0:a:0'), 'no audio map');
    assert.ok(!args.includes('-c:a'));
    assert.ok(!args.some((a) => a.endsWith('/envivo_audio')));
    assert.deepEqual(valuesOf(args, '-map'), ['[vmid]', '[vlow]']);
    assert.deepEqual(outputs(args).map((o) => o[o.length - 1]), ['rtmp://127.0.0.1:1935/hls/envivo_mid', 'rtmp://127.0.0.1:1935/hls/envivo_low']);
  });

  test('threads are passed only when configured', () => {
    assert.ok(!transcoderArgs(input()).includes('-threads'));
    assert.deepEqual(valuesOf(transcoderArgs(input({ threads: 4 })), '-threads'), ['4']);
  });

  test('progress goes to stdout and the process never reads stdin', () => {
    const args = transcoderArgs(input());
    assert.deepEqual(valuesOf(args, '-progress'), ['pipe:1']);
    assert.ok(args.includes('-nostdin'));
  });

  test('the arguments are an array of plain words, never a shell string', () => {
    const args = transcoderArgs(input());
    assert.ok(args.every((a) => typeof a === 'string' && a.length > 0));
    assert.ok(!args.some((a) => /^(sh|bash|\/bin\/sh)$/.test(a) || a === '-c'));
    // Only the filter graph contains ';', and it is one argument given to ffmpeg, not to a shell.
    assert.deepEqual(args.filter((a) => /[;&|`$<>]/.test(a)), [valuesOf(args, '-filter_complex')[0]]);
    assert.ok(!args.some((a) => /\s/.test(a)), 'no argument needs quoting');
  });

  test('an audio-only ladder has no filter graph', () => {
    const audioOnly = buildLadder('envivo', [DEFAULT_LADDER[2]!]);
    const args = transcoderArgs(input({ rungs: audioOnly.rungs }));
    assert.ok(!args.includes('-filter_complex'));
    assert.deepEqual(outputs(args).map((o) => o[o.length - 1]), ['rtmp://127.0.0.1:1935/hls/envivo_audio']);
  });
});

describe('codec strings', () => {
  test('H.264 profiles and levels become RFC 6381 strings', () => {
    assert.equal(avcCodec('High', '3.1'), 'avc1.64001f');
    assert.equal(avcCodec('Main', '3.1'), 'avc1.4d401f');
    assert.equal(avcCodec('Baseline', '3.1', 192), 'avc1.42c01f');
    assert.equal(avcCodec('Baseline', '3.0'), 'avc1.42e01e');
    assert.equal(avcCodec('High', '4.1'), 'avc1.640029');
    assert.equal(avcCodec('High', 4), 'avc1.640028');
    assert.equal(avcCodec('Constrained Baseline', '3.1'), 'avc1.42e01f');
  });

  test('an unknown profile or level falls back to High 3.1', () => {
    assert.equal(avcCodec(undefined, undefined), 'avc1.64001f');
    assert.equal(avcCodec('weird', 'x'), 'avc1.64001f');
    assert.equal(avcCodec('Main', '3.1', 999), 'avc1.4d401f', 'an out-of-range compat byte is ignored');
  });

  test('AAC profiles become mp4a object types', () => {
    assert.equal(aacCodec('LC'), 'mp4a.40.2');
    assert.equal(aacCodec(undefined), 'mp4a.40.2');
    assert.equal(aacCodec('HE'), 'mp4a.40.5');
    assert.equal(aacCodec('HE-AACv2'), 'mp4a.40.29');
  });
});

describe('master playlist', () => {
  const liveMedia = (): Map<string, RenditionMedia> =>
    new Map<string, RenditionMedia>([
      ['source', { width: 1280, height: 720, fps: 30, bandwidth: 2_500_000, videoCodec: 'avc1.42c01f', audioCodec: 'mp4a.40.2' }],
      ['mid', { width: 854, height: 480, audioCodec: 'mp4a.40.2' }],
      ['low', { width: 640, height: 360, audioCodec: 'mp4a.40.2' }],
      ['audio', { audioCodec: 'mp4a.40.2' }],
    ]);

  test('the source advertises what nginx measured plus 20 % headroom, with its size and codecs', () => {
    const source = masterEntries(ladder, liveMedia())[0]!;
    assert.equal(source.rendition.id, 'source');
    assert.deepEqual([source.bandwidth, source.width, source.height, source.fps, source.codecs], [3_000_000, 1280, 720, 30, 'avc1.42c01f,mp4a.40.2']);
  });

  test('a source whose bandwidth is not measured yet, or is tiny, still advertises a sane figure', () => {
    assert.equal(masterEntries(ladder, new Map([['source', {}]]))[0]!.bandwidth, 3_000_000);
    assert.equal(masterEntries(ladder, new Map([['source', { bandwidth: 10_000 }]]))[0]!.bandwidth, 300_000);
  });

  test('transcoded rungs advertise their configured video + audio bitrate with 10 % headroom', () => {
    const byId = new Map(masterEntries(ladder, liveMedia()).map((e) => [e.rendition.id, e]));
    assert.deepEqual([byId.get('mid')!.bandwidth, byId.get('mid')!.codecs], [1_680_800, 'avc1.4d401f,mp4a.40.2']);
    assert.deepEqual([byId.get('low')!.bandwidth, byId.get('low')!.width, byId.get('low')!.height], [510_400, 640, 360]);
    assert.deepEqual([byId.get('audio')!.bandwidth, byId.get('audio')!.codecs, byId.get('audio')!.width], [105_600, 'mp4a.40.2', undefined]);
  });

  test('only renditions with known media are listed', () => {
    const entries = masterEntries(ladder, new Map([['source', {}], ['low', {}]]));
    assert.deepEqual(entries.map((e) => e.rendition.id), ['source', 'low']);
  });

  test('the master playlist starts with #EXTM3U and lists every rendition with BANDWIDTH, RESOLUTION and CODECS', () => {
    const text = masterPlaylist(masterEntries(ladder, liveMedia()));
    assert.equal(
      text,
      [
        '#EXTM3U',
        '#EXT-X-VERSION:3',
        '#EXT-X-INDEPENDENT-SEGMENTS',
        '#EXT-X-STREAM-INF:BANDWIDTH=1680800,RESOLUTION=854x480,CODECS="avc1.4d401f,mp4a.40.2",NAME="Media"',
        'envivo_mid/index.m3u8',
        '#EXT-X-STREAM-INF:BANDWIDTH=3000000,RESOLUTION=1280x720,FRAME-RATE=30.000,CODECS="avc1.42c01f,mp4a.40.2",NAME="Alta"',
        'envivo/index.m3u8',
        '#EXT-X-STREAM-INF:BANDWIDTH=510400,RESOLUTION=640x360,CODECS="avc1.4d401f,mp4a.40.2",NAME="Baja"',
        'envivo_low/index.m3u8',
        '#EXT-X-STREAM-INF:BANDWIDTH=105600,CODECS="mp4a.40.2",NAME="Solo audio"',
        'envivo_audio/index.m3u8',
        '',
      ].join('\n'),
    );
  });

  test('players start on the first transcoded video rung; audio-only is listed last', () => {
    const text = masterPlaylist(masterEntries(ladder, liveMedia()));
    const uris = text.split('\n').filter((l) => l && !l.startsWith('#'));
    assert.equal(uris[0], 'envivo_mid/index.m3u8');
    assert.equal(uris[uris.length - 1], 'envivo_audio/index.m3u8');
    assert.ok(uris.every((u) => !u.startsWith('/') && !u.includes('://')), 'URIs are relative to /video/');
    const infs = text.split('\n').filter((l) => l.startsWith('#EXT-X-STREAM-INF:'));
    assert.equal(infs.length, 4);
    for (const inf of infs) {
      assert.match(inf, /BANDWIDTH=\d+/);
      assert.match(inf, /CODECS="[^"]+"/);
    }
    assert.equal(infs.filter((l) => /RESOLUTION=\d+x\d+/.test(l)).length, 3, 'every video rendition has a RESOLUTION');
  });

  test('with only the source, the source is listed alone', () => {
    const text = masterPlaylist(masterEntries(buildLadder('envivo', []), new Map([['source', { width: 1920, height: 1080, bandwidth: 5_000_000 }]])));
    assert.deepEqual(text.split('\n').filter((l) => l && !l.startsWith('#EXT-X-VERSION') && !l.startsWith('#EXT-X-IND')), [
      '#EXTM3U',
      '#EXT-X-STREAM-INF:BANDWIDTH=6000000,RESOLUTION=1920x1080,CODECS="avc1.64001f",NAME="Alta"',
      'envivo/index.m3u8',
    ]);
  });

  test('the first transcoded rung leads even when the ladder lists the audio rung first', () => {
    const rungs: Rung[] = [DEFAULT_LADDER[2]!, DEFAULT_LADDER[1]!, DEFAULT_LADDER[0]!];
    const l = buildLadder('envivo', rungs);
    const media = new Map<string, RenditionMedia>(l.all.map((r) => [r.id, {}]));
    const uris = masterPlaylist(masterEntries(l, media)).split('\n').filter((x) => x && !x.startsWith('#'));
    assert.deepEqual(uris, ['envivo_low/index.m3u8', 'envivo/index.m3u8', 'envivo_mid/index.m3u8', 'envivo_audio/index.m3u8']);
  });
});
