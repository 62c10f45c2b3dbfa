import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ChatMessage } from '../api/messages';
import { parseOverlayFrame } from './overlay-frames';
import { OVERLAY_DEFAULTS, type OverlayOptions } from './overlay-options';
import { initialOverlayState, nextDeparture, overlayReducer, type OverlayFrame, type OverlayState } from './overlay-state';

const T0 = Date.parse('2026-11-29T14:00:00Z');
const msg = (id: string, at = T0): ChatMessage => ({ id, nick: 'Ana', text: `texto ${id}`, at: new Date(at).toISOString(), role: 'viewer' });
const run = (o: Partial<OverlayOptions>, steps: [OverlayFrame | 'tick', number][]): OverlayState => {
  const r = overlayReducer({ ...OVERLAY_DEFAULTS, ...o });
  return steps.reduce((s, [f, now]) => r(s, f === 'tick' ? { type: 'tick', now } : { type: 'frame', frame: f, now }), initialOverlayState());
};
const keys = (s: OverlayState) => s.lines.map((l) => l.key);

test('only the newest `max` messages are kept, oldest first', () => {
  const steps = Array.from({ length: 20 }, (_, i) => [{ type: 'chat', message: msg(String(i)) }, T0] as [OverlayFrame, number]);
  assert.deepEqual(keys(run({ max: 3 }, steps)), ['17', '18', '19']);
  // The same message twice is shown once.
  assert.deepEqual(keys(run({}, [[{ type: 'chat', message: msg('a') }, T0], [{ type: 'chat', message: msg('a') }, T0]])), ['a']);
});

test('a message leaves `fade` seconds after it arrived; fade=0 keeps it', () => {
  const s = run({ fade: 10 }, [[{ type: 'chat', message: msg('a') }, T0], [{ type: 'chat', message: msg('b') }, T0 + 5000]]);
  assert.equal(nextDeparture(s), T0 + 10_000);
  const r = overlayReducer({ ...OVERLAY_DEFAULTS, fade: 10 });
  assert.deepEqual(keys(r(s, { type: 'tick', now: T0 + 10_000 })), ['b']);
  assert.deepEqual(keys(r(s, { type: 'tick', now: T0 + 15_000 })), []);
  const kept = run({ fade: 0 }, [[{ type: 'chat', message: msg('a') }, T0], ['tick', T0 + 86_400_000]]);
  assert.deepEqual(keys(kept), ['a']);
  assert.equal(nextDeparture(kept), null);
});

test('history shows only what is still young enough; a reconnect does not replay old greetings', () => {
  const history: OverlayFrame = { type: 'history', messages: [msg('old', T0 - 60_000), msg('recent', T0 - 5000), msg('future', T0 + 60_000)] };
  const s = run({ fade: 30 }, [[history, T0]]);
  assert.deepEqual(keys(s), ['recent', 'future']);
  assert.equal(s.lines[0]!.leavesAt, T0 + 25_000);
  // A server clock ahead of the page's never keeps a line past `fade` from now.
  assert.equal(s.lines[1]!.leavesAt, T0 + 30_000);
  assert.deepEqual(keys(run({ fade: 0, max: 2 }, [[history, T0]])), ['recent', 'future']);
});

test('a deleted message, a banned author’s messages and a cleared chat leave at once', () => {
  const start: [OverlayFrame, number][] = ['a', 'b', 'c'].map((id) => [{ type: 'chat', message: msg(id) }, T0]);
  assert.deepEqual(keys(run({}, [...start, [{ type: 'deleted', id: 'b' }, T0]])), ['a', 'c']);
  assert.deepEqual(keys(run({}, [...start, [{ type: 'banned', ids: ['a', 'c', 'zz'] }, T0]])), ['b']);
  assert.deepEqual(run({ pinned: true }, [...start, [{ type: 'pinned', message: msg('a') }, T0], [{ type: 'chat-cleared' }, T0]]), { lines: [], pinned: null, seq: 0 });
});

test('pinned and join notices show only when asked for', () => {
  const pin: OverlayFrame = { type: 'pinned', message: msg('p') };
  assert.equal(run({}, [[pin, T0]]).pinned, null);
  assert.equal(run({ pinned: true }, [[pin, T0]]).pinned?.id, 'p');
  assert.equal(run({ pinned: true }, [[pin, T0], [{ type: 'deleted', id: 'p' }, T0]]).pinned, null);
  const join: OverlayFrame = { type: 'join', nick: 'José Avello', at: new Date(T0).toISOString() };
  assert.deepEqual(run({}, [[join, T0]]).lines, []);
  const shown = run({ joins: true }, [[join, T0], [join, T0]]);
  assert.deepEqual(shown.lines.map((l) => [l.key, l.kind, l.nick]), [['join:0', 'join', 'José Avello'], ['join:1', 'join', 'José Avello']]);
});

test('frames: chat frames, joins and bans are read; status, viewers and garbage are ignored', () => {
  assert.deepEqual(parseOverlayFrame(JSON.stringify({ type: 'deleted', id: 'x' })), { type: 'deleted', id: 'x' });
  assert.deepEqual(parseOverlayFrame(JSON.stringify({ type: 'join', nick: 'Ana', at: 'z' })), { type: 'join', nick: 'Ana', at: 'z' });
  assert.deepEqual(parseOverlayFrame(JSON.stringify({ type: 'banned', ids: ['a', 3, 'b'] })), { type: 'banned', ids: ['a', 'b'] });
  assert.equal(parseOverlayFrame(JSON.stringify({ type: 'chat', message: { id: 'm', nick: 'Ana', text: '<b>hola</b>', at: 'z', role: 'viewer' } }))?.type, 'chat');
  for (const raw of ['{"type":"viewers","count":3}', '{"type":"join"}', '{"type":"banned","ids":"a"}', 'null', '[]', 'not json', '{"type":"chat"}']) {
    assert.equal(parseOverlayFrame(raw), null, raw);
  }
});
