import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseServerMessage } from './messages';

test('a status frame carries the same fields as GET /api/v1/status', () => {
  const m = parseServerMessage(JSON.stringify({
    type: 'status', state: 'live', since: '2026-11-29T14:00:03.120Z', name: 'envivo', master: '/video/envivo.m3u8',
    renditions: [{ id: 'audio', label: 'Solo audio', url: '/video/envivo_audio/index.m3u8', bandwidth: 105600, audioOnly: true, ready: true }],
    viewers: 12,
  }));
  assert.equal(m?.type, 'status');
  if (m?.type !== 'status') return;
  assert.equal(m.state, 'live');
  assert.equal(m.viewers, 12);
  assert.equal(m.renditions[0]?.audioOnly, true);
});

test('chat, ack, deleted, pinned and viewers frames are read; numeric ids become strings', () => {
  assert.deepEqual(parseServerMessage('{"type":"viewers","count":3}'), { type: 'viewers', count: 3 });
  assert.deepEqual(parseServerMessage('{"type":"ack","clientId":"c","id":7}'), { type: 'ack', clientId: 'c', id: '7' });
  assert.deepEqual(parseServerMessage('{"type":"deleted","id":"x"}'), { type: 'deleted', id: 'x' });
  assert.deepEqual(parseServerMessage('{"type":"pinned","message":null}'), { type: 'pinned', message: null });
  const chat = parseServerMessage('{"type":"chat","message":{"id":1,"nick":"Ana","text":"hola","at":1764424800000,"role":"moderator"}}');
  assert.deepEqual(chat, { type: 'chat', message: { id: '1', nick: 'Ana', text: 'hola', at: 1764424800000, role: 'moderator' } });
});

test('garbage, unknown types and malformed messages are ignored', () => {
  assert.equal(parseServerMessage('not json'), null);
  assert.equal(parseServerMessage('[1,2]'), null);
  assert.equal(parseServerMessage('{"type":"surprise"}'), null);
  assert.equal(parseServerMessage('{"type":"status","state":"exploded"}'), null);
  assert.equal(parseServerMessage('{"type":"chat","message":{"id":"1","text":5}}'), null);
});

test('welcome and chat-settings are read (the composer shows slow mode from them)', () => {
  assert.deepEqual(parseServerMessage('{"type":"welcome","nick":"Ana","role":"viewer"}'), { type: 'welcome', nick: 'Ana', role: 'viewer' });
  assert.deepEqual(parseServerMessage('{"type":"chat-settings","slowModeSeconds":30,"role":"viewer"}'), { type: 'chat-settings', slowModeSeconds: 30, role: 'viewer' });
  assert.deepEqual(parseServerMessage('{"type":"chat-settings","slowModeSeconds":0}'), { type: 'chat-settings', slowModeSeconds: 0 });
});
