import { test } from 'node:test';
import assert from 'node:assert/strict';
import { apiGroup } from './rate-limits.js';

test('routes are grouped by the limit they count against', () => {
  assert.equal(apiGroup('/api/v1/admin/login'), 'login');
  assert.equal(apiGroup('/api/v1/admin/login?x=1'), 'login');
  assert.equal(apiGroup('/api/v1/admin/overview'), 'admin');
  assert.equal(apiGroup('/api/v1/status'), 'public');
  assert.equal(apiGroup('/v1/streaming'), 'public');
  assert.equal(apiGroup('/v1/streaming/online?x'), 'public');
});

test('sockets, probes, metrics and nginx callbacks are not limited here', () => {
  for (const url of ['/ws', '/v1/websocket', '/healthz', '/readyz', '/metrics', '/v1/streaming/on?token=t', '/v1/streaming/off']) {
    assert.equal(apiGroup(url), null, url);
  }
});
