import assert from 'node:assert/strict';
import { test } from 'node:test';
import { liveTiming } from './playback-engine';

test('in low-delay mode the player keeps two 1 s fragments behind the edge and catches up a little faster', () => {
  const low = liveTiming(true);
  assert.equal(low.liveSyncDurationCount, 2);
  assert.ok(low.maxLiveSyncPlaybackRate > 1 && low.maxLiveSyncPlaybackRate <= 1.1, 'a catch-up no one hears');
  const normal = liveTiming(false);
  assert.equal(normal.liveSyncDurationCount, 3);
  assert.ok(normal.maxLiveSyncPlaybackRate > 1 && normal.maxLiveSyncPlaybackRate < low.maxLiveSyncPlaybackRate, 'the default mode catches up more gently');
});
