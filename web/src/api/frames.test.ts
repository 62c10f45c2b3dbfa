import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeFrame, withBatching } from './frames';
import { parseServerMessage } from './messages';
import { parseOverlayFrame } from '../overlay/overlay-frames';

const singles = [
  { type: 'chat', message: { id: 'a1', nick: 'Ana', text: 'Bendiciones "a todos" <b>', at: '2026-11-29T14:00:00.000Z', role: 'viewer' } },
  { type: 'viewers', count: 12 },
  { type: 'deleted', id: 'a1' },
  { type: 'join', nick: 'Beto', at: '2026-11-29T14:00:01.000Z' },
  { type: 'banned', ids: ['a1'] },
  { type: 'chat', message: { id: 'b2', nick: 'Beto', text: 'Amén 🙏', at: '2026-11-29T14:00:02.000Z', role: 'moderator' } },
  { type: 'chat-cleared' },
];

test('a batch frame decodes to the same messages, in the same order, as the single frames', () => {
  const batch = JSON.stringify({ type: 'batch', messages: singles });
  const fromBatch = decodeFrame(batch).map(parseServerMessage);
  const fromSingles = singles.map((m) => parseServerMessage(JSON.stringify(m)));
  assert.deepEqual(fromBatch, fromSingles);
  assert.equal(fromBatch.filter((m) => m !== null).length, 6, 'the viewer page reads all but `banned`');
  // The overlay reads the same frames through the same decoder.
  assert.deepEqual(decodeFrame(batch).map(parseOverlayFrame), singles.map((m) => parseOverlayFrame(JSON.stringify(m))));
});

test('a single frame is one message; odd frames yield nothing', () => {
  assert.deepEqual(decodeFrame('{"type":"viewers","count":3}'), [{ type: 'viewers', count: 3 }]);
  for (const raw of ['not json', '[1,2]', '{"type":"batch"}', '{"type":"batch","messages":7}']) assert.deepEqual(decodeFrame(raw), [], raw);
  assert.deepEqual(decodeFrame('{"type":"batch","messages":[1,{"type":"chat-cleared"},null]}'), [{ type: 'chat-cleared' }]);
});

test('our pages ask for batching on the socket path they use', () => {
  assert.equal(withBatching('/ws'), '/ws?batch=1');
  assert.equal(withBatching('/ws?overlay=1'), '/ws?overlay=1&batch=1');
});
