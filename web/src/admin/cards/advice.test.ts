import assert from 'node:assert/strict';
import { test } from 'node:test';
import { adviceFor } from './advice';
import type { IngestHealth } from '../api/types';

const healthy: IngestHealth = {
  advice: [],
  nginxUp: true,
  publisher: true,
  inputKbps: 3000,
  width: 1280,
  height: 720,
  fps: 30,
  keyframeIntervalSec: 2,
  keyframeTooLong: false,
  transcoder: { phase: 'running', restarts: 0, progress: { fps: 30, speed: 1.0 } },
  renditions: [],
};

test('a healthy broadcast needs no advice', () => {
  assert.deepEqual(adviceFor(healthy, 'live'), []);
  assert.deepEqual(adviceFor({ ...healthy, keyframeIntervalSec: 2.04 }, 'live'), [], 'a few ms of measurement wobble is not a problem');
});

test('a keyframe every 5 s is explained, with the measured interval', () => {
  assert.deepEqual(adviceFor({ ...healthy, keyframeIntervalSec: 5 }, 'live'), [{ kind: 'keyframe_too_long', severity: 'warning', keyframeIntervalSec: 5 }]);
  // The server's own verdict is trusted even without a measured value.
  assert.deepEqual(adviceFor({ ...healthy, keyframeIntervalSec: undefined, keyframeTooLong: true }, 'live'), [{ kind: 'keyframe_too_long', severity: 'warning' }]);
});

test("the server's codes come through once each, the video server being down first", () => {
  const advice = adviceFor({ ...healthy, nginxUp: false, keyframeTooLong: true, advice: ['transcoder_slow', 'bitrate_unstable', 'keyframe_too_long'] }, 'live');
  assert.deepEqual(advice.map((a) => a.kind), ['nginx_down', 'keyframe_too_long', 'bitrate_unstable', 'transcoder_slow']);
  assert.equal(advice[0]?.severity, 'error');
});

test('a ladder slower than real time is flagged from its speed', () => {
  const slow = { ...healthy, transcoder: { phase: 'running', restarts: 0, progress: { fps: 20, speed: 0.7 } } };
  assert.deepEqual(adviceFor(slow, 'live').map((a) => a.kind), ['transcoder_slow']);
});

test('with OBS gone, stale figures raise no advice', () => {
  const gone = { ...healthy, publisher: false, keyframeIntervalSec: 5, transcoder: { phase: 'stopped', restarts: 0, progress: { fps: 0, speed: 0.2 } } };
  assert.deepEqual(adviceFor(gone, 'offline'), []);
});

test('a full server disk is an error shown before the OBS advice; a nearly full one is a warning', () => {
  const full = adviceFor({ ...healthy, advice: ['transcoder_slow', 'disk_full'] }, 'live');
  assert.deepEqual(full.map((a) => [a.kind, a.severity]), [['disk_full', 'error'], ['transcoder_slow', 'warning']]);
  assert.deepEqual(adviceFor({ ...healthy, advice: ['disk_low'] }, 'offline'), [{ kind: 'disk_low', severity: 'warning' }]);
  assert.deepEqual(adviceFor({ ...healthy, advice: ['disk_unwritable'] }, 'live'), [{ kind: 'disk_unwritable', severity: 'error' }]);
});
