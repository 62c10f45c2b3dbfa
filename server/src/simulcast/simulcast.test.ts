import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Fastify from 'fastify';
import { Registry } from 'prom-client';
import pino from 'pino';
import { Redactor } from '../log/redactor.js';
import { createSimulcast } from './simulcast.js';

const KEY = 'yt-key-9f8e7d6c5b4a';

async function setup(initial: { name: string; url: string; key: string; enabled: boolean }[] = []) {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'simulcast-'));
  const redactor = new Redactor();
  const registry = new Registry();
  const simulcast = createSimulcast({
    dataDir, initial, ffmpeg: '/bin/false', rtmpPort: 1935, streamName: 'envivo', logger: pino({ level: 'silent' }), redactor,
    source: () => ({ inputKbps: 3000, keyframeIntervalSec: 4 }), registry,
  });
  const app = Fastify();
  await app.register(async (admin) => simulcast.adminRoutes(admin), { prefix: '/api/v1/admin' });
  const done = async () => {
    await simulcast.stop();
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  };
  return { dataDir, redactor, registry, simulcast, app, done, file: path.join(dataDir, 'simulcast.json') };
}

describe('simulcast admin API', () => {
  test('a destination from a preset is saved 0600, its key masked in every answer and known to the redactor', async () => {
    const s = await setup();
    try {
      const res = await s.app.inject({ method: 'POST', url: '/api/v1/admin/simulcast', payload: { name: 'YouTube', preset: 'youtube', key: KEY } });
      assert.equal(res.statusCode, 201);
      assert.ok(!res.body.includes(KEY));
      const created = res.json();
      assert.equal(created.url, 'rtmps://a.rtmps.youtube.com:443/live2');
      assert.equal(created.key, '••••5b4a');
      assert.equal(statSync(s.file).mode & 0o777, 0o600);
      assert.ok(readFileSync(s.file, 'utf8').includes(KEY));
      assert.equal(s.redactor.redact(`rtmps://x/live2/${KEY}`), 'rtmps://x/live2/[REDACTED]');
      const list = await s.app.inject({ method: 'GET', url: '/api/v1/admin/simulcast' });
      assert.ok(!list.body.includes(KEY));
      assert.deepEqual(list.json().presets.map((p: { id: string }) => p.id), ['youtube', 'facebook', 'other']);
      assert.equal(list.json().destinations[0].status.phase, 'off');
      const metrics = await s.registry.metrics();
      assert.ok(!metrics.includes(KEY));
      assert.match(metrics, /cdp_simulcast_destination_up\{destination="YouTube"\} 0/);
      assert.match(metrics, /cdp_simulcast_reconnects_total\{destination="YouTube"\} 0/);
    } finally {
      await s.done();
    }
  });

  test('bad input is a 422 naming the field, and nothing is saved', async () => {
    const s = await setup();
    try {
      const cases: [Record<string, unknown>, string][] = [
        [{ name: 'X', preset: 'other', url: 'http://example.com/live', key: 'abcdefgh' }, 'url'],
        [{ name: 'X', preset: 'youtube', key: 'abc defgh' }, 'key'],
        [{ name: 'X', preset: 'youtube', key: 'abc\u0001defgh' }, 'key'],
        [{ name: 'X', preset: 'twitch', key: 'abcdefgh' }, 'preset'],
        [{ name: 'X', preset: 'other', key: 'abcdefgh' }, 'url'],
      ];
      for (const [payload, field] of cases) {
        const res = await s.app.inject({ method: 'POST', url: '/api/v1/admin/simulcast', payload });
        assert.equal(res.statusCode, 422, JSON.stringify(payload));
        assert.equal(res.json().field, field);
        assert.equal(res.json().error, 'invalid');
        assert.match(res.json().message, new RegExp(`^${field}: `));
      }
      assert.equal(existsSync(s.file), false);
    } finally {
      await s.done();
    }
  });

  test('a change keeps the key unless a new one is sent; a bad change saves nothing; delete removes it', async () => {
    const s = await setup([{ name: 'Mi servidor', url: 'rtmp://127.0.0.1:1999/app', key: KEY, enabled: true }]);
    try {
      const [dest] = (await s.app.inject({ method: 'GET', url: '/api/v1/admin/simulcast' })).json().destinations;
      const off = await s.app.inject({ method: 'PATCH', url: `/api/v1/admin/simulcast/${dest.id}`, payload: { enabled: false } });
      assert.equal(off.json().enabled, false);
      assert.ok(readFileSync(s.file, 'utf8').includes(KEY));
      const before = readFileSync(s.file, 'utf8');
      const bad = await s.app.inject({ method: 'PATCH', url: `/api/v1/admin/simulcast/${dest.id}`, payload: { url: 'ftp://x/y' } });
      assert.equal(bad.statusCode, 422);
      assert.equal(bad.json().field, 'url');
      assert.equal(readFileSync(s.file, 'utf8'), before);
      const fb = await s.app.inject({ method: 'PATCH', url: `/api/v1/admin/simulcast/${dest.id}`, payload: { preset: 'facebook' } });
      assert.equal(fb.json().preset, 'facebook');
      assert.equal((await s.app.inject({ method: 'DELETE', url: `/api/v1/admin/simulcast/${dest.id}` })).statusCode, 200);
      assert.equal((await s.app.inject({ method: 'DELETE', url: `/api/v1/admin/simulcast/${dest.id}` })).statusCode, 404);
      assert.ok(!readFileSync(s.file, 'utf8').includes(KEY));
    } finally {
      await s.done();
    }
  });

  test('the config file seeds the list once; afterwards the stored list (the admin\'s) wins', async () => {
    const s = await setup([{ name: 'Semilla', url: 'rtmp://127.0.0.1:1999/app', key: KEY, enabled: true }]);
    try {
      assert.equal(statSync(s.file).mode & 0o777, 0o600);
      const again = createSimulcast({
        dataDir: s.dataDir, initial: [{ name: 'Otra', url: 'rtmp://h/app', key: 'otra-clave-1234', enabled: true }], ffmpeg: '/bin/false', rtmpPort: 1935, streamName: 'envivo',
        logger: pino({ level: 'silent' }), redactor: s.redactor, source: () => ({}),
      });
      assert.deepEqual(again.list().map((d) => d.name), ['Semilla']);
      await again.stop();
    } finally {
      await s.done();
    }
  });

  test('advice appears only while on, for the destination\'s platform', async () => {
    const s = await setup([{ name: 'FB', url: 'rtmps://live-api-s.facebook.com:443/rtmp/', key: KEY, enabled: false }]);
    try {
      assert.deepEqual(s.simulcast.list()[0]!.advice, []);
      s.simulcast.onStreamChange('live');
      await s.app.inject({ method: 'PATCH', url: `/api/v1/admin/simulcast/${s.simulcast.list()[0]!.id}`, payload: { enabled: true } });
      assert.deepEqual(s.simulcast.list()[0]!.advice.map((a) => a.code), ['keyframe_too_long']);
    } finally {
      await s.done();
    }
  });
});
