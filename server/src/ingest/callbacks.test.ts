import { test, describe, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_LADDER } from '../config/schema.js';
import { buildApp } from '../http/app.js';
import { WsGateway } from '../http/ws/gateway.js';
import { createLogger } from '../log/logger.js';
import { Redactor } from '../log/redactor.js';
import { SecretsFile } from '../storage/secrets-file.js';
import { callbackRoutes } from './callbacks.js';
import { buildLadder } from '../transcode/ladder.js';
import { PublishAuth } from './publish-auth.js';

const TOKEN = 'cb_token_Zq8s0dK1x2LmN3oP4qR5sT6u';
const KEY = 'obs_stream_key_Aa1Bb2Cc3Dd4Ee5Ff6';
const WRONG = 'obs_stream_key_Aa1Bb2Cc3Dd4Ee5Ff7';

/** nginx-rtmp's notify body for a publish, form-encoded. */
function notify(fields: Record<string, string>): string {
  const body = { app: 'live', flashver: 'FMLE/3.0 (compatible; FMSc/1.0)', swfurl: '', tcurl: 'rtmp://192.0.2.1:1935/live', pageurl: '', addr: '203.0.113.7', clientid: '42', call: 'publish', name: KEY, type: 'live', ...fields };
  return new URLSearchParams(body).toString();
}

/**
 * The internal app with the callbacks, as the wiring builds it. The logger's redactor knows no secrets,
 * so any key or token in the output was written by the code, not merely hidden afterwards.
 */
async function build(t: TestContext) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cdp-callbacks-'));
  const lines: string[] = [];
  const logger = createLogger('debug', new Redactor(), { write: (l: string) => void lines.push(l) });
  const auth = new PublishAuth(new SecretsFile(dir), KEY, new Redactor());
  const calls = { started: 0, done: 0, seeded: 0 };
  const app = await buildApp({
    logger,
    gateway: new WsGateway({ logger }),
    status: () => {
      throw new Error('not used');
    },
    health: () => {
      throw new Error('not used');
    },
    readiness: () => ({}),
    rateLimits: { login: 20, admin: 600, public: 1200 },
    plugins: [
      (a) =>
        callbackRoutes(a, {
          auth,
          ladder: buildLadder('envivo', DEFAULT_LADDER),
          callbackToken: TOKEN,
          logger,
          seedPlaylists: async () => {
            calls.seeded++;
            return [];
          },
          onPublishStarted: () => void calls.started++,
          onPublishDone: async () => void calls.done++,
        }),
    ],
  });
  t.after(async () => {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const post = (url: string, fields: Record<string, string> = {}) =>
    app.inject({ method: 'POST', url, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: notify(fields) });
  const output = () => lines.join('');
  const events = () => lines.map((l) => (JSON.parse(l) as { event?: string }).event);
  return { app, post, calls, output, events };
}

const ON = `/v1/streaming/on?token=${TOKEN}`;
const OFF = `/v1/streaming/off?token=${TOKEN}`;

describe('nginx callbacks: the shared token', () => {
  test('a callback without the token is forbidden and nothing happens', async (t) => {
    const { post, calls } = await build(t);
    for (const url of ['/v1/streaming/on', '/v1/streaming/off']) {
      const res = await post(url);
      assert.equal(res.statusCode, 403, url);
    }
    assert.deepEqual(calls, { started: 0, done: 0, seeded: 0 });
  });

  test('a callback with a wrong or empty token is forbidden and nothing happens', async (t) => {
    const { post, calls } = await build(t);
    for (const token of ['wrong', '', `${TOKEN}x`, TOKEN.slice(0, -1)]) {
      assert.equal((await post(`/v1/streaming/on?token=${encodeURIComponent(token)}`)).statusCode, 403, token);
      assert.equal((await post(`/v1/streaming/off?token=${encodeURIComponent(token)}`)).statusCode, 403, token);
    }
    assert.deepEqual(calls, { started: 0, done: 0, seeded: 0 });
  });

  test('a token over 128 characters is forbidden, not an error', async (t) => {
    const { post } = await build(t);
    assert.equal((await post(`/v1/streaming/on?token=${'a'.repeat(500)}`)).statusCode, 403);
  });

  test('a percent-encoded callback path still needs the token', async (t) => {
    const { post, calls } = await build(t);
    assert.equal((await post('/v1/streaming/of%66')).statusCode, 403);
    assert.equal((await post('/v1/streaming/o%6e')).statusCode, 403);
    assert.deepEqual(calls, { started: 0, done: 0, seeded: 0 });
  });
});

describe('nginx callbacks: on_publish', () => {
  test('OBS with the right key is accepted and renamed to the public name', async (t) => {
    const { post, calls } = await build(t);
    const res = await post(ON, { app: 'live', name: KEY });
    assert.equal(res.statusCode, 302);
    assert.equal(res.headers.location, 'envivo');
    assert.equal(calls.started, 1);
    assert.equal(calls.seeded, 1, 'the playlists are prepared before the ladder starts');
    assert.equal(calls.done, 0);
  });

  test('a wrong key is rejected and the stream does not start', async (t) => {
    const { post, calls } = await build(t);
    for (const name of [WRONG, '', 'envivo', KEY.toUpperCase()]) {
      const res = await post(ON, { app: 'live', name });
      assert.equal(res.statusCode, 403, name);
      assert.equal(res.headers.location, undefined);
    }
    assert.equal(calls.started, 0);
  });

  test('the internal hls application accepts the renamed source and every rung', async (t) => {
    const { post, calls } = await build(t);
    for (const name of ['envivo', 'envivo_mid', 'envivo_low', 'envivo_audio']) {
      const res = await post(ON, { app: 'hls', name });
      assert.equal(res.statusCode, 200, name);
    }
    assert.equal(calls.started, 0, 'only the ingest application starts the stream');
  });

  test('the hls application refuses names that are not renditions, including the key', async (t) => {
    const { post } = await build(t);
    for (const name of ['envivo_high', 'other', KEY, '']) assert.equal((await post(ON, { app: 'hls', name })).statusCode, 403, name);
  });

  test('an unknown application is refused', async (t) => {
    const { post, calls } = await build(t);
    assert.equal((await post(ON, { app: 'vod', name: KEY })).statusCode, 403);
    assert.equal(calls.started, 0);
  });

  test('a notify that is not a publish (e.g. play) is acknowledged without starting anything', async (t) => {
    const { post, calls } = await build(t);
    const res = await post(ON, { call: 'play', app: 'live', name: WRONG });
    assert.equal(res.statusCode, 200);
    assert.equal(calls.started, 0);
  });

  test('a body without the app field is a 400', async (t) => {
    const { app } = await build(t);
    const res = await app.inject({ method: 'POST', url: ON, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'call=publish&name=x' });
    assert.equal(res.statusCode, 400);
  });
});

describe('nginx callbacks: on_publish_done', () => {
  test('the ingest publisher leaving is reported to the pipeline', async (t) => {
    const { post, calls } = await build(t);
    const res = await post(OFF, { call: 'publish_done', app: 'live', name: 'envivo' });
    assert.equal(res.statusCode, 200);
    assert.equal(calls.done, 1);
    assert.equal(calls.started, 0);
  });

  test('a rung leaving the hls application is not the publisher leaving', async (t) => {
    const { post, calls } = await build(t);
    const res = await post(OFF, { call: 'publish_done', app: 'hls', name: 'envivo_mid' });
    assert.equal(res.statusCode, 200);
    assert.equal(calls.done, 0);
  });
});

describe('nginx callbacks: logs', () => {
  test('neither the stream key, a wrong key nor the token is ever logged', async (t) => {
    const { post, output, events } = await build(t);
    await post(ON, { app: 'live', name: KEY });
    await post(ON, { app: 'live', name: WRONG });
    await post(ON, { app: 'hls', name: 'nope' });
    await post(OFF, { call: 'publish_done', app: 'live', name: 'envivo' });
    await post('/v1/streaming/on?token=not-the-token', { app: 'live', name: KEY });
    const out = output();
    assert.deepEqual(events(), ['publish_accepted', 'publish_rejected', 'publish_rejected', 'publish_done', 'callback_forbidden']);
    assert.ok(!out.includes(KEY), 'the key was logged');
    assert.ok(!out.includes(WRONG), 'a wrong key (maybe a typo of the real one) was logged');
    assert.ok(!out.includes(TOKEN), 'the callback token was logged');
    assert.ok(!out.includes('token='), 'a callback URL was logged');
  });

  test('log lines name the public stream and the publisher address', async (t) => {
    const { post, output } = await build(t);
    await post(ON, { app: 'live', name: KEY, addr: '203.0.113.7' });
    const [line] = output().split('\n');
    const r = JSON.parse(line!) as Record<string, unknown>;
    assert.deepEqual([r.event, r.stream, r.addr], ['publish_accepted', 'envivo', '203.0.113.7']);
  });
});
