import assert from 'node:assert/strict';
import { test } from 'node:test';
import { audioArgs, concatList, finaliseAudioArgs, finaliseVideoArgs, listenArgs, recordArgs, trimArgs } from './commands.js';

test('the recorder copies the public stream from loopback into MPEG-TS, the video never decoded, never naming the key', () => {
  const args = recordArgs({ rtmpPort: 1935, name: 'envivo', output: '/data/recordings/20261206-1a2b3c4d/part-0001.ts' });
  const line = args.join(' ');
  assert.deepEqual(args.slice(args.indexOf('-i'), args.indexOf('-i') + 2), ['-i', 'rtmp://127.0.0.1:1935/live/envivo']);
  assert.deepEqual(args.slice(args.indexOf('-c'), args.indexOf('-c') + 2), ['-c', 'copy']);
  assert.ok(args.includes('mpegts') && args.at(-1) === '/data/recordings/20261206-1a2b3c4d/part-0001.ts');
  assert.ok(!args.some((a) => a.includes('libx264') || a.includes('-vf') || a.startsWith('-c:v')));
  // One output, everything copied; every map optional, so a publisher without audio still records its video.
  assert.ok(line.includes('-map 0:v? -map 0:a? -c copy -f mpegts -flush_packets 1'), line);
  assert.ok(!args.some((a) => a === 'aac' || a.startsWith('-c:a') || a.startsWith('-b:a')), 'no audio encode either');
  assert.equal(args.filter((a) => a === '-f').length, 1, 'one output file');
});

test('the listening copy copies the ladder\'s audio rendition from the loopback hls application: no encoder', () => {
  const args = listenArgs({ rtmpPort: 1935, stream: 'envivo_audio', output: '/data/recordings/20261206-1a2b3c4d/listen-0001.ts' });
  const line = args.join(' ');
  assert.deepEqual(args.slice(args.indexOf('-i'), args.indexOf('-i') + 2), ['-i', 'rtmp://127.0.0.1:1935/hls/envivo_audio']);
  assert.ok(line.includes('-map 0:a:0 -c copy -f mpegts -flush_packets 1 /data/recordings/20261206-1a2b3c4d/listen-0001.ts'), line);
  assert.ok(line.includes('-rw_timeout 15000000'), 'a stream that never comes ends the wait');
  assert.ok(!args.some((a) => a === 'aac' || a.startsWith('-c:a') || a.startsWith('-b:a') || a === '-vf'), 'nothing decoded or encoded');
});

test('finalising copies into a faststart MP4; the audio is AAC at 96 kbps; a trim copies from a keyframe', () => {
  const v = finaliseVideoArgs({ list: '/r/parts.txt', output: '/r/video.tmp.mp4' });
  assert.ok(v.join(' ').includes('-f concat -safe 0 -i /r/parts.txt') && v.join(' ').includes('-map 0:v? -map 0:a:0? -c copy -movflags +faststart'));
  assert.equal(v.at(-1), '/r/video.tmp.mp4');
  assert.equal(v.filter((a) => a === '-f').length, 2, 'one input (concat), one output');
  // The listening copy's parts joined into the M4A: copied, faststart, no encoder anywhere.
  const m4a = finaliseAudioArgs({ list: '/r/listen.txt', output: '/r/audio.m4a.tmp' });
  assert.ok(m4a.join(' ').endsWith('-f concat -safe 0 -i /r/listen.txt -map 0:a:0 -c copy -movflags +faststart -f mp4 -y /r/audio.m4a.tmp'), m4a.join(' '));
  assert.ok(!m4a.includes('aac'));
  const a = audioArgs({ input: '/r/parts.txt', output: '/r/audio.m4a.tmp', concat: true });
  assert.ok(a.join(' ').includes('-vn') && a.join(' ').includes('-c:a aac -b:a 96k'));
  const t = trimArgs({ input: '/r/video.mp4', output: '/r/t.mp4', start: 4, end: 14 });
  assert.ok(t.indexOf('-ss') < t.indexOf('-i'), 'input seeking: the cut starts at a keyframe');
  assert.deepEqual(t.slice(t.indexOf('-t'), t.indexOf('-t') + 2), ['-t', '10.000']);
  assert.ok(t.join(' ').includes('-c copy'));
});

test('the concat list quotes file names', () => {
  assert.equal(concatList(['/r/part-0001.ts', "/r/it's.ts"]), "file '/r/part-0001.ts'\nfile '/r/it'\\''s.ts'\n");
});
