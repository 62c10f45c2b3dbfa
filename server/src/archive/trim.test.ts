import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkTrim } from './trim.js';
import { recordingDir, newRecordingId, RECORDING_ID } from './ids.js';

test('a trim inside the recording and long enough is accepted', () => {
  assert.deepEqual(checkTrim(10, 50, 60), { ok: true, start: 10, end: 50 });
});

test('a trim outside the recording, reversed or shorter than 5 s is refused with a reason', () => {
  for (const [s, e] of [[-1, 30], [0, 90], [40, 20], [10, 13], [Number.NaN, 10]] as const) {
    const r = checkTrim(s, e, 60);
    assert.equal(r.ok, false, `${s}–${e}`);
    assert.match((r as { message: string }).message, / \/ /);
  }
});

test('ids never reach outside the recordings folder', () => {
  const root = '/data/recordings';
  assert.equal(recordingDir(root, '20261206-1a2b3c4d'), '/data/recordings/20261206-1a2b3c4d');
  for (const bad of ['..', '../secrets.json', '20261206-1a2b3c4d/..', '20261206-1A2B3C4D', '%2e%2e', '', '20261206-1a2b3c4d\u0000', '/etc/passwd']) {
    assert.equal(recordingDir(root, bad), undefined, JSON.stringify(bad));
  }
});

test('new ids are plain, dated and random', () => {
  const a = newRecordingId(new Date('2026-12-06T13:58:00Z'));
  assert.match(a, RECORDING_ID);
  assert.ok(a.startsWith('20261206-'));
  assert.notEqual(a, newRecordingId(new Date('2026-12-06T13:58:00Z')));
});
