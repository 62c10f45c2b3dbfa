import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseHealth } from './parse';

test("the server's disk reading and its advice reach the dashboard; unknown values are dropped", () => {
  const h = parseHealth({
    advice: ['disk_full', 'something_new'],
    storage: { freeBytes: 1024, totalBytes: 64 * 1024 * 1024, ok: false, problem: 'disk_full' },
  });
  assert.deepEqual(h.advice, ['disk_full']);
  assert.deepEqual(h.storage, { freeBytes: 1024, totalBytes: 64 * 1024 * 1024, ok: false, problem: 'disk_full' });
  assert.equal(parseHealth({ storage: { freeBytes: 'x' } }).storage, undefined, 'a reading without numbers is no reading');
  assert.equal(parseHealth({ storage: { freeBytes: 1, totalBytes: 2, ok: true, problem: 'weird' } }).storage?.problem, undefined);
  assert.equal(parseHealth({}).storage, undefined, 'an older server without storage');
});
