import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { IngestHealth } from '../observe/ingest-health.js';
import { RemoteStream, type RemoteState, type StreamSnapshot } from './remote-stream.js';
import type { StreamStatus } from './status.js';

const offline = (since: number): StreamStatus => ({ state: 'offline', since: new Date(since).toISOString(), name: 'envivo', master: '/video/envivo.m3u8', renditions: [], viewers: 0, reason: null });
const health = { advice: [], nginxUp: true, publisher: true, keyframeTooLong: false, transcoder: { phase: 'running', restarts: 0 }, renditions: [] } as unknown as IngestHealth;
const site = { churchName: 'Iglesia', offlineMessage: '', accentColor: '#000000', logoUrl: null, schedule: [] };
const rendition = (id: string) => ({ id, label: id, url: `/video/${id}/index.m3u8`, bandwidth: 1, audioOnly: false, ready: true });

function snapshot(at: number, seq: number, state: StreamStatus['state'], renditions = [rendition('source')]): StreamSnapshot {
  return { at, seq, since: at, status: { ...offline(at), state, renditions }, health, history: [], session: null, site };
}

function follow(remote: RemoteStream) {
  const changes: [RemoteState['state'], RemoteState['state']][] = [];
  remote.onChange((s, prev) => changes.push([prev.state, s.state]));
  return changes;
}

describe('a web instance follows the origin', () => {
  test('offline until the origin says otherwise; each change of state is told once', () => {
    const remote = new RemoteStream(offline, 1000);
    const changes = follow(remote);
    assert.equal(remote.status().state, 'offline');
    remote.apply(snapshot(2000, 1, 'starting'), 2000);
    remote.apply(snapshot(2500, 2, 'starting'), 2500);
    remote.apply(snapshot(3000, 3, 'live'), 3000);
    assert.deepEqual(changes, [['offline', 'starting'], ['starting', 'live']]);
    assert.equal(remote.status().state, 'live');
    assert.equal(remote.health().publisher, true);
  });

  test('an older snapshot (a late read) does not undo a newer one', () => {
    const remote = new RemoteStream(offline, 1000);
    const changes = follow(remote);
    remote.apply(snapshot(3000, 3, 'live'), 3000);
    remote.apply(snapshot(2000, 2, 'starting'), 3100);
    remote.apply(snapshot(3000, 3, 'starting'), 3100);
    assert.equal(remote.state.state, 'live');
    assert.deepEqual(changes, [['offline', 'live']]);
  });

  test('the origin gone (no snapshot): offline, told once', () => {
    const remote = new RemoteStream(offline, 1000);
    const changes = follow(remote);
    remote.apply(snapshot(2000, 1, 'live'), 2000);
    remote.apply(null, 20_000);
    remote.apply(null, 21_000);
    assert.deepEqual(changes, [['offline', 'live'], ['live', 'offline']]);
    assert.equal(remote.status().state, 'offline');
    assert.equal(remote.health().publisher, false);
  });

  test('new renditions while live are told without a change of state', () => {
    const remote = new RemoteStream(offline, 1000);
    let told = 0;
    remote.onRenditionsChange(() => (told += 1));
    remote.apply(snapshot(2000, 1, 'live'), 2000);
    remote.apply(snapshot(2100, 2, 'live'), 2100);
    assert.equal(told, 0);
    remote.apply(snapshot(2200, 3, 'live', [rendition('source'), rendition('mid')]), 2200);
    assert.equal(told, 1);
  });

  test('a restarted origin (its counter starts again, its clock is later) is believed', () => {
    const remote = new RemoteStream(offline, 1000);
    remote.apply(snapshot(5000, 40, 'live'), 5000);
    remote.apply(snapshot(6000, 1, 'offline'), 6000);
    assert.equal(remote.state.state, 'offline');
  });
});

describe('a web instance serves HLS from its own HLS_BASE_URL', () => {
  test("the origin's /video/ URLs are rebased on this instance's edge; without one they stay on this site", () => {
    const fromOrigin = (at: number): StreamSnapshot => {
      const s = snapshot(at, 1, 'live', [{ ...rendition('source'), url: 'https://origin.iglesia.cl/video/envivo/index.m3u8' }]);
      return { ...s, status: { ...s.status, master: 'https://origin.iglesia.cl/video/envivo.m3u8' } };
    };
    const edged = new RemoteStream(offline, 0, 'https://video.iglesia.cl');
    edged.apply(fromOrigin(1000), 1000);
    assert.equal(edged.status().master, 'https://video.iglesia.cl/video/envivo.m3u8');
    assert.deepEqual(edged.status().renditions.map((r) => r.url), ['https://video.iglesia.cl/video/envivo/index.m3u8']);
    const own = new RemoteStream(offline, 0);
    own.apply(fromOrigin(1000), 1000);
    assert.equal(own.status().master, '/video/envivo.m3u8');
    assert.deepEqual(own.status().renditions.map((r) => r.url), ['/video/envivo/index.m3u8']);
  });
});
