import assert from 'node:assert/strict';
import { test } from 'node:test';
import { toDelete } from './retention.js';
import type { Recording } from './store.js';

const rec = (id: string, day: number, status: Recording['status'] = 'ready'): Recording => ({
  id, sessionId: null, status, title: id, description: '', startedAt: `2026-11-${String(day).padStart(2, '0')}T14:00:00.000Z`, endedAt: null,
  duration: 60, videoBytes: 1, audioBytes: 1, hasAudio: true, hasPoster: true, published: true, peakViewers: 0, pendingTrim: null, error: null,
});
const now = new Date('2026-11-30T12:00:00Z');
const all = [rec('a', 1), rec('b', 8), rec('c', 15), rec('d', 22), rec('e', 29, 'recording')];

test('keeping everything (the default) deletes nothing', () => {
  assert.deepEqual(toDelete(all, { keepLast: null, keepDays: null }, now), []);
});

test('keep the last N: the oldest finished ones go, the one being recorded does not count', () => {
  assert.deepEqual(toDelete(all, { keepLast: 2, keepDays: null }, now).sort(), ['a', 'b']);
});

test('keep N days: older ones go, but never the newest finished one nor one being written', () => {
  assert.deepEqual(toDelete(all, { keepLast: null, keepDays: 10 }, now).sort(), ['a', 'b', 'c']);
  assert.deepEqual(toDelete([rec('old', 1), rec('w', 2, 'finalising')], { keepLast: null, keepDays: 1 }, now), []);
  assert.deepEqual(toDelete([rec('x', 1)], { keepLast: 0, keepDays: null }, now), []);
});
