import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { keyframeInterval } from './keyframes.js';

describe('keyframeInterval', () => {
  test('several keyframes give the typical (median) gap between them', () => {
    assert.equal(keyframeInterval([10, 12, 14, 16], 6), 2);
    assert.equal(keyframeInterval([0, 2, 4, 10.5], 12), 2, 'one long gap does not move the median');
  });

  test('keyframe times out of order are sorted first', () => {
    assert.equal(keyframeInterval([16, 10, 14, 12], 6), 2);
  });

  test('the result is rounded to hundredths', () => {
    assert.equal(keyframeInterval([0, 2.0021, 4.0042, 6.0063], 6), 2);
    assert.equal(keyframeInterval([0, 4.1666, 8.3333], 8.33), 4.17);
  });

  test('a single keyframe in a segment means the interval is at least the segment length', () => {
    assert.equal(keyframeInterval([100.5], 8.333), 8.33);
  });

  test('no keyframe, or one keyframe with an unknown segment length, gives no answer', () => {
    assert.equal(keyframeInterval([], 2), undefined);
    assert.equal(keyframeInterval([5], 0), undefined);
    assert.equal(keyframeInterval([Number.NaN], 2), undefined);
  });

  test('non-numeric times are ignored', () => {
    assert.equal(keyframeInterval([0, Number.NaN, 2, Number.POSITIVE_INFINITY, 4], 4), 2);
  });

  test('the input array is left untouched', () => {
    const times = [4, 0, 2];
    keyframeInterval(times, 4);
    assert.deepEqual(times, [4, 0, 2]);
  });
});
