import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseRecording, recordingIdFrom } from './recordings';
import { formatDate, formatDuration } from './strings';

test('only well-formed recordings with same-site paths reach the page', () => {
  const ok = { id: '20261206-1a2b3c4d', title: 'Servicio', startedAt: '2026-12-06T14:00:00Z', duration: 3600, video: '/api/v1/recordings/20261206-1a2b3c4d/video.mp4', audio: null, poster: 'https://evil.example/x.jpg', page: '/archivo/20261206-1a2b3c4d' };
  const r = parseRecording(ok)!;
  assert.equal(r.video, ok.video);
  assert.equal(r.poster, null, 'an off-site poster is dropped');
  assert.equal(parseRecording({ ...ok, id: '../x' }), null);
  assert.equal(parseRecording({ ...ok, video: 'javascript:alert(1)' }), null);
});

test('the recording page path gives its id; anything else does not', () => {
  assert.equal(recordingIdFrom('/archivo/20261206-1a2b3c4d'), '20261206-1a2b3c4d');
  assert.equal(recordingIdFrom('/archivo'), null);
  assert.equal(recordingIdFrom('/archivo/otra-cosa'), null);
});

test('durations and dates read as people say them, in Santiago', () => {
  assert.equal(formatDuration(3725), '1:02:05');
  assert.equal(formatDuration(59), '0:59');
  assert.equal(formatDate('2026-12-07T02:30:00Z', 'es', 'America/Santiago'), 'domingo, 6 de diciembre de 2026');
});
