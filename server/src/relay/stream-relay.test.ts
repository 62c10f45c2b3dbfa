import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import { startRedis, type TestRedis } from '../../../test/helpers/redis-server.js';
import { createLogger } from '../log/logger.js';
import { Redactor } from '../log/redactor.js';
import type { IngestHealth } from '../observe/ingest-health.js';
import { RemoteStream, type StreamSnapshot } from '../stream/remote-stream.js';
import type { StreamStatus } from '../stream/status.js';
import { StreamStateFollower, StreamStatePublisher } from './stream-relay.js';
import { decodeSnapshot, encodeSnapshot } from './stream-snapshot.js';

const logger = createLogger('fatal', new Redactor());
const offline = (since: number): StreamStatus => ({ state: 'offline', since: new Date(since).toISOString(), name: 'envivo', master: '/video/envivo.m3u8', renditions: [], viewers: 0, reason: null });
const health = { advice: [], nginxUp: true, publisher: true, keyframeTooLong: false, transcoder: { phase: 'running', restarts: 0 }, renditions: [] } as unknown as IngestHealth;
const site = { churchName: 'Iglesia', offlineMessage: '', accentColor: '#000000', logoUrl: null, schedule: [] };
const snapshotOf = (state: StreamStatus['state']): Omit<StreamSnapshot, 'at' | 'seq'> => ({ since: 1, status: { ...offline(1), state }, health, history: [], session: null, site });

const until = async (what: string, ok: () => boolean) => {
  const end = Date.now() + 5000;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
};

describe('the stream state on the wire', () => {
  test('a snapshot survives encoding; junk and other shapes are refused', () => {
    const s = { ...snapshotOf('live'), at: 5, seq: 2 };
    assert.deepEqual(decodeSnapshot(encodeSnapshot(s)), s);
    for (const junk of ['', 'not json', '{}', '[]', 'null', JSON.stringify({ ...s, v: 2 }), JSON.stringify({ v: 1, ...s, status: { ...s.status, state: 'exploded' } })]) {
      assert.equal(decodeSnapshot(junk), null, junk.slice(0, 40));
    }
  });
});

describe('from the origin to a web instance through a real redis-server', () => {
  let server: TestRedis;
  const connections: Redis[] = [];
  const connect = () => {
    const r = new Redis(server.url);
    connections.push(r);
    return r;
  };
  before(async () => {
    server = await startRedis();
  });
  after(async () => {
    for (const r of connections) r.disconnect();
    await server.stop();
  });

  test('every change reaches the web instance; a clean stop of the origin shows offline at once', async () => {
    const prefix = `test:${randomUUID()}`;
    let state: StreamStatus['state'] = 'starting';
    const publisher = new StreamStatePublisher({ redis: connect(), prefix, logger, snapshot: () => snapshotOf(state) });
    const remote = new RemoteStream(offline, 0);
    const seen: string[] = [];
    remote.onChange((s) => seen.push(s.state));
    const follower = new StreamStateFollower({ redis: connect(), prefix, logger, remote, everyMs: 60_000 });
    await follower.start();
    assert.equal(follower.connected(), true);
    publisher.start();
    await until('starting', () => remote.state.state === 'starting');
    state = 'live';
    publisher.changed();
    await until('live', () => remote.state.state === 'live');
    await publisher.stop();
    await until('offline', () => remote.state.state === 'offline');
    assert.deepEqual(seen, ['starting', 'live', 'offline']);
    await follower.stop();
  });

  test('a web instance that starts after the origin reads the current state; garbage in Redis is ignored', async () => {
    const prefix = `test:${randomUUID()}`;
    const publisher = new StreamStatePublisher({ redis: connect(), prefix, logger, snapshot: () => snapshotOf('live') });
    publisher.start();
    const raw = connect();
    let stored: string | null = null;
    for (let i = 0; i < 500 && stored === null; i += 1) {
      stored = await raw.get(`${prefix}:stream`);
      if (stored === null) await new Promise((r) => setTimeout(r, 10));
    }
    assert.ok(stored, 'the origin wrote its snapshot');
    await raw.publish(`${prefix}:stream-events`, '{"v":1,"status":"pwned"}');
    const remote = new RemoteStream(offline, 0);
    const follower = new StreamStateFollower({ redis: connect(), prefix, logger, remote, everyMs: 60_000 });
    await follower.start();
    assert.equal(remote.state.state, 'live');
    await raw.publish(`${prefix}:stream-events`, 'not json');
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(remote.state.state, 'live');
    await follower.stop();
    await publisher.stop();
  });
});
