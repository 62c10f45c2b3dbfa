import assert from 'node:assert/strict';
import { test } from 'node:test';
import { audioArgs, concatList, finaliseVideoArgs, recordArgs, trimArgs } from './commands.js';

test('the recorder copies the public stream from loopback into MPEG-TS, the video never decoded, never naming the key', () => {
  const args = recordArgs({ rtmpPort: 1935, name: 'envivo', output: '/data/recordings/20261206-1a2b3c4d/part-0001.ts' });
  const line = args.join(' ');
  assert.deepEqual(args.slice(args.indexOf('-i'), args.indexOf('-i') + 2), ['-i', 'rtmp://127.0.0.1:1935/live/envivo']);
  assert.deepEqual(args.slice(args.indexOf('-c'), args.indexOf('-c') + 2), ['-c', 'copy']);
  assert.ok(args.includes('mpegts') && args.at(-1) === '/data/recordings/20261206-1a2b3c4d/part-0001.ts');
  assert.ok(!args.some((a) => a.includes('libx264') || a.includes('-vf') || a.startsWith('-c:v')));
  // One output: video and source audio copied, the listening track (the second audio) encoded live;
  // every map optional, so a publisher without audio still records its video.
  assert.ok(line.includes('-map 0:v? -map 0:a? -map 0:a?'), line);
  assert.ok(line.includes('-c:a:1 aac -b:a:1 96k -ac:a:1 2'), line);
  assert.equal(args.filter((a) => a === '-f').length, 1, 'one output file');
});

test('finalising copies into a faststart MP4; the audio is AAC at 96 kbps; a trim copies from a keyframe', () => {
  const v = finaliseVideoArgs({ list: '/r/parts.txt', output: '/r/video.tmp.mp4' });
  assert.ok(v.join(' ').includes('-f concat -safe 0 -i /r/parts.txt') && v.join(' ').includes('-map 0:v? -map 0:a:0? -c copy -movflags +faststart'));
  assert.equal(v.at(-1), '/r/video.tmp.mp4');
  // The live-encoded track copied into the M4A in the same read: no encoder anywhere.
  const both = finaliseVideoArgs({ list: '/r/parts.txt', output: '/r/video.tmp.mp4', audio: '/r/audio.m4a.tmp' });
  assert.ok(both.join(' ').endsWith('-map 0:a:1 -c copy -movflags +faststart -f mp4 -y /r/audio.m4a.tmp'), both.join(' '));
  assert.ok(!both.includes('aac'));
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
