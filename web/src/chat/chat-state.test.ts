import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ChatMessage, ServerMessage } from '../api/messages';
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
  let s = chatReducer(initialChatState(), { type: 'sent', clientId: 'c1', text: 'hola', at: 0 });
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
  let s = chatReducer(initialChatState(), { type: 'sent', clientId: 'c1', text: 'mira http://spam', at: 0 });
  s = server(s, { type: 'error', code: 'link_not_allowed', message: 'links' });
  assert.equal(s.errors[0]?.code, 'link_not_allowed');
  assert.equal(s.errors[0]?.refusedText, 'mira http://spam');
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

test('every refusal stays until dismissed: a later send does not hide an earlier refusal', () => {
  let s = initialChatState();
  for (let i = 0; i < 4; i++) s = chatReducer(s, { type: 'sent', clientId: `c${i}`, text: `mensaje ${i}`, at: i * 60 });
  s = server(s, { type: 'ack', clientId: 'c0', id: '1' });
  s = server(s, { type: 'error', code: 'rate_limited', message: '', clientId: 'c1' });
  s = chatReducer(s, { type: 'sent', clientId: 'c4', text: 'mensaje 4', at: 300 });
  s = server(s, { type: 'error', code: 'rate_limited', message: '', clientId: 'c2' });
  s = server(s, { type: 'ack', clientId: 'c3', id: '2' });
  assert.deepEqual(s.errors.map((e) => e.refusedText), ['mensaje 1', 'mensaje 2']);
  s = chatReducer(s, { type: 'dismiss-error', seq: s.errors[0]!.seq });
  assert.deepEqual(s.errors.map((e) => e.refusedText), ['mensaje 2']);
});

test('slow mode and the reader’s role come from chat-settings; the last accepted send starts the wait', () => {
  let s = server(initialChatState(), { type: 'chat-settings', slowModeSeconds: 30, role: 'viewer' });
  assert.equal(s.slowModeSeconds, 30);
  assert.equal(s.moderator, false);
  s = chatReducer(s, { type: 'sent', clientId: 'c1', text: 'hola', at: 5000 });
  assert.equal(s.lastAcceptedAt, null, 'not before the server accepted it');
  s = server(s, { type: 'ack', clientId: 'c1', id: '9' });
  assert.equal(s.lastAcceptedAt, 5000);
  s = server(s, { type: 'chat-settings', slowModeSeconds: 0 });
  assert.equal(s.slowModeSeconds, 0);
  s = server(s, { type: 'welcome', nick: 'Pastor', role: 'moderator' });
  assert.equal(s.moderator, true);
});

test('the slow-mode wait counts down from the last accepted message, and characters count like the server (code points)', async () => {
  const { slowModeWait, countChars } = await import('./ChatComposer');
  assert.equal(slowModeWait(30, null, 10_000), 0, 'nothing sent yet');
  assert.equal(slowModeWait(0, 5_000, 10_000), 0, 'slow mode off');
  assert.equal(slowModeWait(30, 5_000, 10_000), 25);
  assert.equal(slowModeWait(30, 5_000, 34_500), 1);
  assert.equal(slowModeWait(30, 5_000, 35_000), 0);
  assert.equal(countChars('  hola 🙏  '), 6);
});

test('a slow-mode change a moderator makes during the service reaches the open composer: the raw /ws frame, parsed, sets the wait', async () => {
  const { parseServerMessage } = await import('../api/messages');
  const { slowModeWait } = await import('./ChatComposer');
  const frame = (raw: object) => {
    const m = parseServerMessage(JSON.stringify(raw));
    assert.ok(m, `${JSON.stringify(raw)} is read`);
    return m;
  };
  let s = server(initialChatState(), frame({ type: 'chat-settings', slowModeSeconds: 0, role: 'viewer' }));
  s = chatReducer(s, { type: 'sent', clientId: 'c1', text: 'hola', at: 10_000 });
  s = server(s, frame({ type: 'ack', clientId: 'c1', id: '1' }));
  assert.equal(slowModeWait(s.slowModeSeconds, s.lastAcceptedAt, 12_000), 0, 'no wait before the change');
  // Pushed to every socket when a moderator saves the chat settings (no role: the reader's stays).
  s = server(s, frame({ type: 'chat-settings', slowModeSeconds: 30 }));
  assert.equal(s.slowModeSeconds, 30);
  assert.equal(s.moderator, false);
  assert.equal(slowModeWait(s.slowModeSeconds, s.lastAcceptedAt, 12_000), 28, 'the composer now waits');
  s = server(s, frame({ type: 'chat-settings', slowModeSeconds: 0 }));
  assert.equal(slowModeWait(s.slowModeSeconds, s.lastAcceptedAt, 12_000), 0, 'turned off live too');
});
