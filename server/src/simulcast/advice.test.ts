import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { adviceFor } from './advice.js';
import { presetById } from './destinations.js';

const yt = presetById('youtube')!.rules;
const fb = presetById('facebook')!.rules;
const codes = (a: { code: string }[]) => a.map((x) => x.code);

describe('advice from the platforms\' rules our source breaks', () => {
  test('Facebook: a keyframe interval over 2 s', () => {
    assert.deepEqual(codes(adviceFor(fb, 'Facebook Live', { keyframeIntervalSec: 4, inputKbps: 3000, audioCodec: 'AAC', audioKbps: 128 })), ['keyframe_too_long']);
    assert.deepEqual(codes(adviceFor(fb, 'Facebook Live', { keyframeIntervalSec: 2, inputKbps: 3000, audioCodec: 'AAC', audioKbps: 128 })), []);
    assert.match(adviceFor(fb, 'Facebook Live', { keyframeIntervalSec: 4 })[0]!.message, /fotograma clave cada 2 s.*4\.0 s/);
  });
  test('YouTube: audio missing or under 64 kbps', () => {
    assert.deepEqual(codes(adviceFor(yt, 'YouTube', { inputKbps: 3000 })), ['audio_missing']);
    assert.deepEqual(codes(adviceFor(yt, 'YouTube', { inputKbps: 3000, audioCodec: 'AAC', audioKbps: 48 })), ['audio_too_low']);
    assert.deepEqual(codes(adviceFor(yt, 'YouTube', { inputKbps: 3000, audioCodec: 'AAC', audioKbps: 128, keyframeIntervalSec: 2 })), []);
  });
  test('a bitrate over the platform\'s maximum', () => {
    assert.deepEqual(codes(adviceFor(fb, 'Facebook Live', { inputKbps: 12_000, audioCodec: 'AAC', audioKbps: 128 })), ['bitrate_too_high']);
  });
  test('nothing measured yet, or "other": no advice', () => {
    assert.deepEqual(adviceFor(yt, 'YouTube', {}), []);
    assert.deepEqual(adviceFor(presetById('other')!.rules, 'Mi servidor', { keyframeIntervalSec: 10, inputKbps: 50_000 }), []);
  });
});
