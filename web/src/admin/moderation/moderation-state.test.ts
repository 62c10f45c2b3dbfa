import assert from 'node:assert/strict';
import { test } from 'node:test';
import { canSanction, initialModeration, moderationReducer, newestFirst, type ModerationState } from './moderation-state';
import type { ModeratedMessage } from '../api/types';

const msg = (id: string, extra: Partial<ModeratedMessage> = {}): ModeratedMessage => ({ id, nick: `n${id}`, text: `t${id}`, at: '2026-11-29T14:00:00Z', role: 'viewer', deleted: false, ...extra });

function loaded(messages: ModeratedMessage[], pinned: string | null = null): ModerationState {
  return moderationReducer(initialModeration, { type: 'loaded', messages, pinned });
}

test('the loaded list keeps deleted messages marked and finds the pinned one', () => {
  const s = loaded([msg('1'), msg('2', { deleted: true }), msg('3')], '3');
  assert.equal(s.loaded, true);
  assert.equal(s.messages.length, 3);
  assert.equal(s.pinned?.text, 't3');
  assert.deepEqual(newestFirst(s.messages).map((m) => m.id), ['3', '2', '1']);
});

test('new messages arrive once; a deletion marks the message and unpins it', () => {
  let s = loaded([msg('1')], '1');
  const chat = { type: 'chat' as const, message: { id: '2', nick: 'Ana', text: 'Amén', at: '2026-11-29T14:01:00Z', role: 'viewer' } };
  s = moderationReducer(s, { type: 'server', message: chat });
  s = moderationReducer(s, { type: 'server', message: chat });
  assert.deepEqual(s.messages.map((m) => [m.id, m.deleted]), [['1', false], ['2', false]]);
  s = moderationReducer(s, { type: 'server', message: { type: 'deleted', id: '1' } });
  assert.deepEqual(s.messages.map((m) => [m.id, m.deleted]), [['1', true], ['2', false]]);
  assert.equal(s.pinnedId, null);
  assert.equal(s.pinned, null);
});

test('pinning follows the socket, and clearing empties everything', () => {
  let s = loaded([msg('1'), msg('2')]);
  s = moderationReducer(s, { type: 'server', message: { type: 'pinned', message: { id: '2', nick: 'n2', text: 't2', at: '', role: 'viewer' } } });
  assert.equal(s.pinnedId, '2');
  s = moderationReducer(s, { type: 'server', message: { type: 'chat-cleared' } });
  assert.deepEqual(s.messages, []);
  assert.equal(s.pinnedId, null);
});

test('a reload after reconnecting keeps the pinned message the socket sent, even if older than the list', () => {
  let s = moderationReducer(initialModeration, { type: 'server', message: { type: 'pinned', message: { id: 'old', nick: 'Pastor', text: 'Bienvenidos', at: '', role: 'moderator' } } });
  s = moderationReducer(s, { type: 'loaded', messages: [msg('9')], pinned: 'old' });
  assert.equal(s.pinned?.text, 'Bienvenidos');
});

test("moderators' and deleted messages cannot be silenced or blocked", () => {
  assert.equal(canSanction(msg('1')), true);
  assert.equal(canSanction(msg('1', { role: 'moderator' })), false);
  assert.equal(canSanction(msg('1', { deleted: true })), false);
});
