import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { ProgressParser } from './ffmpeg-progress.js';

/** Two `-progress pipe:1 -stats_period 1` reports from ffmpeg 5 encoding two rungs. */
const OUTPUT = `frame=1
fps=0.00
stream_0_0_q=0.0
stream_1_0_q=0.0
bitrate=N/A
total_size=N/A
out_time_us=0
out_time_ms=0
out_time=00:00:00.000000
dup_frames=0
drop_frames=0
speed=   0x
progress=continue
frame=60
fps=29.80
stream_0_0_q=29.0
stream_1_0_q=29.0
bitrate=N/A
total_size=N/A
out_time_us=2033333
out_time_ms=2033333
out_time=00:00:02.033333
dup_frames=3
drop_frames=1
speed=0.993x
progress=continue
`;

function feed(parser: ProgressParser, text: string) {
  return text
    .split('\n')
    .map((l) => parser.push(l))
    .filter((r) => r !== null);
}

describe('ProgressParser', () => {
  test('each progress= line completes one report with fps, speed, frame and output time', () => {
    const reports = feed(new ProgressParser(), OUTPUT);
    assert.deepEqual(reports, [
      { fps: 0, speed: 0, frame: 1, outTimeMs: 0, dupFrames: 0, dropFrames: 0 },
      { fps: 29.8, speed: 0.993, frame: 60, outTimeMs: 2033, dupFrames: 3, dropFrames: 1 },
    ]);
  });

  test('key=value lines before the progress line return nothing', () => {
    const p = new ProgressParser();
    assert.equal(p.push('frame=10'), null);
    assert.equal(p.push('speed=1.0x'), null);
    assert.equal(p.push(''), null);
    assert.equal(p.push('not a field'), null);
    assert.equal(p.push('=oops'), null);
  });

  test('a report carries only the fields of its own block', () => {
    const p = new ProgressParser();
    feed(p, 'frame=10\nfps=25\nspeed=1x\nprogress=continue\n');
    const [second] = feed(p, 'frame=20\nprogress=continue\n');
    assert.deepEqual(second, { fps: 0, speed: 0, frame: 20, outTimeMs: 0, dupFrames: 0, dropFrames: 0 });
  });

  test('an older ffmpeg without out_time_us still gives the output time (out_time_ms is in microseconds)', () => {
    const [r] = feed(new ProgressParser(), 'out_time_ms=4000000\nprogress=continue\n');
    assert.equal(r?.outTimeMs, 4000);
  });

  test('N/A values and a final progress=end report as zeros', () => {
    const [r] = feed(new ProgressParser(), 'fps=N/A\nspeed=N/A\nout_time_us=N/A\nprogress=end\n');
    assert.deepEqual(r, { fps: 0, speed: 0, frame: 0, outTimeMs: 0, dupFrames: 0, dropFrames: 0 });
  });

  test('Windows line endings are tolerated', () => {
    const [r] = feed(new ProgressParser(), 'fps=30.00\r\nspeed=1.5x\r\nprogress=continue\r\n');
    assert.equal(r?.fps, 30);
    assert.equal(r?.speed, 1.5);
  });
});
