import assert from 'node:assert/strict';
import { describe, test, type TestContext } from 'node:test';
import Fastify from 'fastify';
import type { StreamStatus } from '../stream/status.js';
import { createMetrics, isLoopback, metricsAccess, type MetricsHealth, type MetricsSources } from './metrics.js';

const TOKEN = 'metrics-token-0123456789abcdef';

const rendition = (id: string, ready: boolean): StreamStatus['renditions'][number] => ({ id, label: id, url: `/video/envivo_${id}/index.m3u8`, bandwidth: 1000, audioOnly: id === 'audio', ready });

/** Sources whose values a test can change between scrapes. */
function fakeSources() {
  const state = {
    status: { state: 'live', renditions: [rendition('source', true), rendition('mid', true), rendition('low', false), rendition('audio', true)] } as Pick<StreamStatus, 'state' | 'renditions'>,
    health: { inputKbps: 2512, fps: 30, transcoder: { restarts: 2 }, renditions: [] } as MetricsHealth,
    viewers: 12,
    peak: 40,
    ws: { v2: 7, legacy: 3 },
    nginx: { media: true, web: false } as Record<string, boolean>,
    chat: { accepted: 5, rejected: new Map([['rate_limited', 2]]) },
  };
  const sources: MetricsSources = {
    status: () => state.status,
    health: () => state.health,
    viewers: () => state.viewers,
    peak: () => state.peak,
    wsConnections: () => state.ws,
    nginxUp: () => state.nginx,
    chat: () => state.chat,
    renditionIds: ['source', 'mid', 'low', 'audio'],
  };
  return { state, sources };
}

/** The value of one sample line (`name{labels} value`), or undefined when absent. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

async function app(t: TestContext, token?: string) {
  const { state, sources } = fakeSources();
  const metrics = createMetrics(sources, { token, processMetrics: false });
  const a = Fastify();
  metrics.routes(a);
  t.after(() => a.close());
  return { a, state };
}

describe('who may read /metrics', () => {
  const direct = { forwardedFor: undefined, remoteAddress: '127.0.0.1', authorization: undefined };
  const viaNginx = { forwardedFor: '203.0.113.9', remoteAddress: '127.0.0.1', authorization: undefined };

  test('a Prometheus on the same machine scraping the internal listener may, token or not', () => {
    assert.deepEqual(metricsAccess(direct, undefined), { allowed: true });
    assert.deepEqual(metricsAccess(direct, TOKEN), { allowed: true });
    assert.deepEqual(metricsAccess({ ...direct, remoteAddress: '::1' }, undefined), { allowed: true });
    assert.deepEqual(metricsAccess({ ...direct, remoteAddress: '::ffff:127.0.0.1' }, undefined), { allowed: true });
  });

  test('through nginx without a configured token it does not exist', () => {
    assert.deepEqual(metricsAccess(viaNginx, undefined), { allowed: false, status: 404 });
    assert.deepEqual(metricsAccess({ ...viaNginx, authorization: `Bearer ${TOKEN}` }, undefined), { allowed: false, status: 404 });
    // An empty header still says "forwarded": nginx set it.
    assert.deepEqual(metricsAccess({ ...viaNginx, forwardedFor: '' }, undefined), { allowed: false, status: 404 });
  });

  test('a peer that is not loopback is treated as outside even without X-Forwarded-For', () => {
    assert.deepEqual(metricsAccess({ ...direct, remoteAddress: '192.168.1.20' }, undefined), { allowed: false, status: 404 });
    assert.deepEqual(metricsAccess({ ...direct, remoteAddress: undefined }, undefined), { allowed: false, status: 404 });
  });

  test('through nginx with a token configured: only the right bearer opens it', () => {
    assert.deepEqual(metricsAccess({ ...viaNginx, authorization: `Bearer ${TOKEN}` }, TOKEN), { allowed: true });
    assert.deepEqual(metricsAccess({ ...viaNginx, authorization: `bearer ${TOKEN}` }, TOKEN), { allowed: true });
    for (const authorization of [undefined, '', 'Bearer', `Bearer ${TOKEN}x`, `Bearer ${TOKEN.slice(0, -1)}`, `Basic ${TOKEN}`, TOKEN, `Bearer ${TOKEN} extra`]) {
      assert.deepEqual(metricsAccess({ ...viaNginx, authorization }, TOKEN), { allowed: false, status: 401 }, String(authorization));
    }
  });

  test('loopback addresses', () => {
    for (const a of ['127.0.0.1', '127.1.2.3', '::1', '::ffff:127.0.0.1']) assert.ok(isLoopback(a), a);
    for (const a of ['10.0.0.1', '::ffff:10.0.0.1', '::', '0.0.0.0', '1127.0.0.1', undefined]) assert.ok(!isLoopback(a), String(a));
  });
});

describe('the metrics a scrape shows', () => {
  test('every figure of the platform, read from the sources at scrape time', async () => {
    const { sources } = fakeSources();
    const text = await createMetrics(sources, { processMetrics: false }).scrape();
    const expect: Record<string, number> = {
      'cdp_stream_state{state="offline"}': 0,
      'cdp_stream_state{state="starting"}': 0,
      'cdp_stream_state{state="live"}': 1,
      'cdp_stream_state{state="reconnecting"}': 0,
      cdp_stream_live: 1,
      cdp_ingest_bitrate_kbps: 2512,
      cdp_ingest_fps: 30,
      'cdp_rendition_ready{rendition="source"}': 1,
      'cdp_rendition_ready{rendition="mid"}': 1,
      'cdp_rendition_ready{rendition="low"}': 0,
      'cdp_rendition_ready{rendition="audio"}': 1,
      cdp_transcoder_restarts_total: 2,
      cdp_viewers: 12,
      cdp_viewers_peak: 40,
      cdp_chat_messages_total: 5,
      'cdp_chat_rejected_total{reason="rate_limited"}': 2,
      'cdp_websocket_connections{protocol="v2"}': 7,
      'cdp_websocket_connections{protocol="legacy"}': 3,
      'cdp_nginx_up{instance="media"}': 1,
      'cdp_nginx_up{instance="web"}': 0,
    };
    for (const [series, value] of Object.entries(expect)) assert.equal(sample(text, series), value, series);
    assert.match(text, /^# TYPE cdp_chat_messages_total counter$/m);
    assert.match(text, /^# TYPE cdp_transcoder_restarts_total counter$/m);
    assert.match(text, /^# TYPE cdp_stream_state gauge$/m);
    assert.equal(sample(text, 'cdp_storage_free_bytes'), undefined, 'no storage figure is invented');
    assert.doesNotMatch(text, /cdp_process_/);
  });

  test('counters follow the counts between scrapes; gauges show the present', async () => {
    const { state, sources } = fakeSources();
    const m = createMetrics(sources, { processMetrics: false });
    await m.scrape();
    state.chat.accepted = 9;
    state.chat.rejected.set('duplicate', 1);
    state.health = { ...state.health, transcoder: { restarts: 3 }, inputKbps: undefined, fps: undefined };
    state.status = { state: 'reconnecting', renditions: state.status.renditions };
    state.viewers = 4;
    const text = await m.scrape();
    assert.equal(sample(text, 'cdp_chat_messages_total'), 9);
    assert.equal(sample(text, 'cdp_chat_rejected_total{reason="duplicate"}'), 1);
    assert.equal(sample(text, 'cdp_chat_rejected_total{reason="rate_limited"}'), 2);
    assert.equal(sample(text, 'cdp_transcoder_restarts_total'), 3);
    assert.equal(sample(text, 'cdp_stream_live'), 0);
    assert.equal(sample(text, 'cdp_stream_state{state="reconnecting"}'), 1);
    assert.equal(sample(text, 'cdp_stream_state{state="live"}'), 0);
    assert.equal(sample(text, 'cdp_ingest_bitrate_kbps'), 0);
    assert.equal(sample(text, 'cdp_viewers'), 4);
  });

  test('offline, every rendition of the ladder reads 0', async () => {
    const { state, sources } = fakeSources();
    state.status = { state: 'offline', renditions: [] };
    state.health = { ...state.health, renditions: [{ id: 'source', ready: true }] };
    const text = await createMetrics(sources, { processMetrics: false }).scrape();
    for (const id of ['source', 'mid', 'low', 'audio']) assert.equal(sample(text, `cdp_rendition_ready{rendition="${id}"}`), 0, id);
  });

  test('free disk space appears once the health reports it', async () => {
    const { state, sources } = fakeSources();
    const m = createMetrics(sources, { processMetrics: false });
    assert.equal(sample(await m.scrape(), 'cdp_storage_free_bytes'), undefined);
    state.health = { ...state.health, storage: { freeBytes: 5_000_000_000, totalBytes: 8_000_000_000 } };
    assert.equal(sample(await m.scrape(), 'cdp_storage_free_bytes'), 5_000_000_000);
  });

  test('process metrics carry the cdp_ prefix, and two instances keep their own registries', async () => {
    const a = createMetrics(fakeSources().sources);
    const b = createMetrics(fakeSources().sources);
    const text = await a.scrape();
    assert.match(text, /^cdp_process_cpu_user_seconds_total /m);
    assert.match(text, /^cdp_nodejs_eventloop_lag_seconds /m);
    assert.match(await b.scrape(), /^cdp_process_resident_memory_bytes /m);
  });
});

describe('GET /metrics', () => {
  test('read directly on loopback: Prometheus text', async (t) => {
    const { a } = await app(t);
    const res = await a.inject({ method: 'GET', url: '/metrics' });
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers['content-type']), /^text\/plain; version=0\.0\.4/);
    assert.equal(sample(res.body, 'cdp_stream_live'), 1);
  });

  test('through nginx without a token: 404 like any unknown page', async (t) => {
    const { a } = await app(t);
    const res = await a.inject({ method: 'GET', url: '/metrics', headers: { 'x-forwarded-for': '203.0.113.9', authorization: `Bearer ${TOKEN}` } });
    assert.equal(res.statusCode, 404);
    assert.equal(res.json().error, 'not_found');
    assert.doesNotMatch(res.body, /cdp_/);
  });

  test('through nginx with a token: 401 asking for a bearer unless it is the right one', async (t) => {
    const { a } = await app(t, TOKEN);
    const outside = { 'x-forwarded-for': '203.0.113.9' };
    for (const authorization of [undefined, 'Bearer wrong-token-0123456789']) {
      const res = await a.inject({ method: 'GET', url: '/metrics', headers: authorization ? { ...outside, authorization } : outside });
      assert.equal(res.statusCode, 401);
      assert.match(String(res.headers['www-authenticate']), /^Bearer/);
      assert.doesNotMatch(res.body, /cdp_|metrics-token/);
    }
    const ok = await a.inject({ method: 'GET', url: '/metrics', headers: { ...outside, authorization: `Bearer ${TOKEN}` } });
    assert.equal(ok.statusCode, 200);
    assert.equal(sample(ok.body, 'cdp_viewers'), 12);
  });
});
