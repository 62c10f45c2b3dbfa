import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ChatMessage, ServerMessage } from '../lib/messages';
import { chatReducer, initialChatState, MAX_MESSAGES, type ChatState } from './chat-state';

const msg = (id: string, text = id): ChatMessage => ({ id, nick: 'Ana', text, at: '2026-11-29T14:00:00Z', role: 'viewer' });
const server = (state: ChatState, message: ServerMessage) => chatReducer(state, { type: 'server', message });

test('history replaces the list and new messages are appended once', () => {
  let s = server(initialChatState(), { type: 'history', messages: [msg('1'), msg('2')] });
  s = server(s, { type: 'chat', message: msg('3') });
  s = server(s, { type: 'chat', message: msg('3') });
  assert.deepEqual(s.messages.map((m) => m.id), ['1', '2', '3']);
});

test('a message acknowledged for this browser’s clientId becomes its own, whichever arrives first', () => {
  let s = chatReducer(initialChatState(), { type: 'sent', clientId: 'c1', text: 'hola' });
  s = server(s, { type: 'chat', message: msg('42', 'hola') });
  s = server(s, { type: 'ack', clientId: 'c1', id: '42' });
  assert.ok(s.ownIds.has('42'));
  assert.equal(s.pending.length, 0);
});

test('a deleted message disappears, also from the pin', () => {
  let s = server(initialChatState(), { type: 'history', messages: [msg('1'), msg('2')] });
  s = server(s, { type: 'pinned', message: msg('2') });
  s = server(s, { type: 'deleted', id: '2' });
  assert.deepEqual(s.messages.map((m) => m.id), ['1']);
  assert.equal(s.pinned, null);
});

test('clearing the chat empties it and says so', () => {
  let s = server(initialChatState(), { type: 'history', messages: [msg('1')] });
  s = server(s, { type: 'chat-cleared' });
  assert.equal(s.messages.length, 0);
  assert.ok(s.cleared);
});

test('a refused message is given back to the composer with the error', () => {
  let s = chatReducer(initialChatState(), { type: 'sent', clientId: 'c1', text: 'mira http://spam' });
  s = server(s, { type: 'error', code: 'link_not_allowed', message: 'links' });
  assert.equal(s.error?.code, 'link_not_allowed');
  assert.equal(s.error?.refusedText, 'mira http://spam');
  assert.equal(s.pending.length, 0);
});

test('only the newest messages are kept', () => {
  const many = Array.from({ length: MAX_MESSAGES + 20 }, (_, i) => msg(String(i)));
  const s = server(initialChatState(), { type: 'history', messages: many });
  assert.equal(s.messages.length, MAX_MESSAGES);
  assert.equal(s.messages[0]?.id, '20');
});

test('a join notice is a line among the messages, each with its own id, and a history reload drops it', () => {
  let s = server(initialChatState(), { type: 'history', messages: [msg('1')] });
  s = server(s, { type: 'join', nick: 'José Avello', at: '2026-11-29T14:00:01Z' });
  s = server(s, { type: 'join', nick: 'José Avello', at: '2026-11-29T14:00:01Z' });
  assert.deepEqual(s.messages.map((m) => [m.kind ?? 'message', m.nick]), [['message', 'Ana'], ['join', 'José Avello'], ['join', 'José Avello']]);
  assert.notEqual(s.messages[1]!.id, s.messages[2]!.id);
  s = server(s, { type: 'history', messages: [msg('1'), msg('2')] });
  assert.deepEqual(s.messages.map((m) => m.id), ['1', '2'], 'history never brings notices back');
});
