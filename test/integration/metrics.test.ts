import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { connect, type TestSocket } from '../helpers/ws-client.js';
import { cleanupService, ensureBuilt, publish, randomKey, startService, waitFor, type Publisher, type ServiceHandle } from '../helpers/platform.js';

/** The value of one sample line (`name{labels} value`), or undefined when absent. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

/** What a Prometheus on the same machine sees: the internal listener, straight, no X-Forwarded-For. */
async function scrape(svc: ServiceHandle): Promise<string> {
  const r = await fetch(`http://127.0.0.1:${svc.internalPort}/metrics`);
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type') ?? '', /^text\/plain/);
  return r.text();
}

describe('Prometheus metrics of a live stream', { timeout: 240_000 }, () => {
  let svc: ServiceHandle;
  let pub: Publisher | undefined;
  const sockets: TestSocket[] = [];

  before(async () => {
    ensureBuilt();
    svc = await startService();
  });
  after(async () => {
    for (const s of sockets) s.close();
    await pub?.stop();
    await cleanupService(svc);
  });

  test('offline, the internal listener reports the stream off, nginx up and the process figures', async () => {
    const text = await scrape(svc);
    assert.equal(sample(text, 'cdp_stream_live'), 0);
    assert.equal(sample(text, 'cdp_stream_state{state="offline"}'), 1);
    assert.equal(sample(text, 'cdp_stream_state{state="live"}'), 0);
    assert.equal(sample(text, 'cdp_ingest_fps'), 0);
    assert.equal(sample(text, 'cdp_websocket_connections{protocol="v2"}'), 0);
    assert.ok(text.split('\n').some((l) => /^cdp_nginx_up\{instance="\w+"\} 1$/.test(l)), 'nginx is reported up');
    assert.match(text, /^cdp_process_resident_memory_bytes \d/m);
  });

  test('live: state, input, every rendition ready, websockets and chat messages counted', async () => {
    pub = publish(`rtmp://127.0.0.1:${svc.rtmpPort}/live/${svc.key}`);
    await waitFor('state live', async () => (await svc.status()).state === 'live', 60_000, 200);
    const live = await waitFor('input figures in /metrics', async () => {
      const t = await scrape(svc);
      return (sample(t, 'cdp_ingest_fps') ?? 0) > 0 && (sample(t, 'cdp_ingest_bitrate_kbps') ?? 0) > 0 ? t : undefined;
    }, 20_000, 500);
    assert.equal(sample(live, 'cdp_stream_live'), 1);
    assert.equal(sample(live, 'cdp_stream_state{state="live"}'), 1);
    assert.equal(sample(live, 'cdp_stream_state{state="offline"}'), 0);
    for (const id of ['source', 'mid', 'low', 'audio']) assert.equal(sample(live, `cdp_rendition_ready{rendition="${id}"}`), 1, id);
    assert.ok(sample(live, 'cdp_transcoder_restarts_total') !== undefined, 'transcoder restarts are exported');

    const ana = await connect(`ws://127.0.0.1:${svc.httpPort}/ws`);
    sockets.push(ana);
    const legacy = await connect(`ws://127.0.0.1:${svc.httpPort}/v1/websocket`);
    sockets.push(legacy);
    await ana.next((m) => m.type === 'history', 'history on join');
    const counted = await waitFor('both sockets counted', async () => {
      const t = await scrape(svc);
      return sample(t, 'cdp_websocket_connections{protocol="v2"}') === 1 && sample(t, 'cdp_websocket_connections{protocol="legacy"}') === 1 ? t : undefined;
    }, 10_000, 200);
    const before = sample(counted, 'cdp_chat_messages_total') ?? 0;

    ana.send({ type: 'hello', nick: 'Ana' });
    await ana.next((m) => m.type === 'welcome', 'welcome');
    ana.send({ type: 'chat', text: 'Bendiciones desde Temuco', clientId: 'm1' });
    assert.equal((await ana.next((m) => m.clientId === 'm1', 'answer to m1')).type, 'ack');
    ana.send({ type: 'chat', text: 'Bendiciones desde Temuco', clientId: 'm2' });
    assert.equal((await ana.next((m) => m.clientId === 'm2', 'answer to m2')).code, 'duplicate');
    const after = await scrape(svc);
    assert.equal(sample(after, 'cdp_chat_messages_total'), before + 1);
    assert.equal(sample(after, 'cdp_chat_rejected_total{reason="duplicate"}'), 1);
  });

  test('through the public port, without a token, /metrics does not exist', async () => {
    const r = await fetch(`${svc.base}/metrics`);
    assert.equal(r.status, 404);
    const body = await r.text();
    assert.equal(JSON.parse(body).error, 'not_found');
    assert.doesNotMatch(body, /cdp_/);
  });
});

describe('METRICS_TOKEN opens /metrics on the public port to that bearer only', { timeout: 120_000 }, () => {
  const token = `${randomKey()}.metrics`;
  let svc: ServiceHandle;

  before(async () => {
    ensureBuilt();
    svc = await startService({ METRICS_TOKEN: token });
  });
  after(async () => {
    await cleanupService(svc);
  });

  test('401 without or with a wrong bearer, 200 with the right one; the token is never logged', async () => {
    const none = await fetch(`${svc.base}/metrics`);
    assert.equal(none.status, 401);
    assert.match(none.headers.get('www-authenticate') ?? '', /^Bearer/);
    assert.doesNotMatch(await none.text(), /cdp_/);

    const wrong = await fetch(`${svc.base}/metrics`, { headers: { authorization: `Bearer ${randomKey()}` } });
    assert.equal(wrong.status, 401);
    assert.match(wrong.headers.get('www-authenticate') ?? '', /^Bearer/);
    await wrong.text();

    const right = await fetch(`${svc.base}/metrics`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(right.status, 200);
    assert.equal(sample(await right.text(), 'cdp_stream_live'), 0);

    // The local scrape keeps working without the token.
    await scrape(svc);
    assert.ok(!svc.logs().includes(token), 'the metrics token must not appear in the logs');
  });
});
