import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TokenBucket } from './rate-limit.js';

test('times that go backwards (frames handled out of arrival order) credit no interval twice', () => {
  const b = new TokenBucket(1, 2, 0);
  assert.ok(b.take(10_000) && b.take(10_000));
  assert.equal(b.take(10_000), false);
  // An earlier arrival handled later: no refill, and the clock stays at 10 s.
  assert.equal(b.take(9_000), false);
  assert.equal(b.take(10_500), false, 'half a second after 10 s is still no whole token');
  assert.ok(b.take(11_000));
});
