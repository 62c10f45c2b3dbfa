import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ChatMessage } from '../api/messages';
import { renderIn, textOf } from '../testing/render';
import { ChatMessageItem } from './ChatMessageItem';
import { ChatView } from './ChatView';
import { initialChatState } from './chat-state';

const TZ = 'America/Santiago';

function message(text: string, extra: Partial<ChatMessage> = {}): ChatMessage {
  return { id: 'm1', nick: 'Ana', text, at: '2026-11-29T14:05:00Z', role: 'viewer', ...extra };
}

test('a message containing a script tag is shown as text, never as markup', () => {
  const html = renderIn('es', <ChatMessageItem message={message('<script>alert(1)</script>')} own={false} timeZone={TZ} />);
  assert.doesNotMatch(html, /<script/);
  assert.match(html, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
  assert.match(textOf(html), /<script>alert\(1\)<\/script>/);
});

test('an <img onerror> message and an HTML nickname stay inert text', () => {
  const html = renderIn('es', <ChatMessageItem message={message('<img src=x onerror="alert(1)">', { nick: '<b>Pedro</b>' })} own={false} timeZone={TZ} />);
  assert.doesNotMatch(html, /<img/);
  assert.doesNotMatch(html, /<b>/);
  assert.match(html, /&lt;img src=x onerror=&quot;alert\(1\)&quot;&gt;/);
  assert.match(html, /&lt;b&gt;Pedro&lt;\/b&gt;/);
});

test('right-to-left override characters are isolated inside the text and the nickname', () => {
  const rlo = '\u202E';
  const html = renderIn('es', <ChatMessageItem message={message(`${rlo}olleh`, { nick: `${rlo}anA` })} own={false} timeZone={TZ} />);
  assert.match(html, new RegExp(`<bdi class="chat-text">${rlo}olleh</bdi>`));
  assert.match(html, new RegExp(`<bdi class="chat-nick">${rlo}anA</bdi>`));
});

test('the time is shown in Santiago and a moderator gets a badge', () => {
  const text = textOf(renderIn('es', <ChatMessageItem message={message('Bienvenidos', { role: 'moderator' })} own={false} timeZone={TZ} />));
  assert.match(text, /11:05/);
  assert.match(text, /Moderador/);
  const admin = textOf(renderIn('en', <ChatMessageItem message={message('Welcome', { role: 'admin' })} own={false} timeZone={TZ} />));
  assert.match(admin, /Moderator/);
  const viewer = textOf(renderIn('es', <ChatMessageItem message={message('Amén')} own={false} timeZone={TZ} />));
  assert.doesNotMatch(viewer, /Moderador/);
});

test('the reader’s own messages are marked', () => {
  const html = renderIn('es', <ChatMessageItem message={message('hola')} own timeZone={TZ} />);
  assert.match(html, /class="chat-message is-own"/);
  assert.match(textOf(html), /\(usted\)/);
});

const noop = () => {};
const viewProps = { nickError: null, connected: true, timeZone: TZ, onNick: noop, onSend: () => true, onDismissError: noop };

test('without a nickname the chat asks for one; with one it offers the message box', () => {
  const ask = textOf(renderIn('es', <ChatView {...viewProps} state={initialChatState()} nick={null} />));
  assert.match(ask, /¿Cuál es su nombre\?/);
  const write = renderIn('es', <ChatView {...viewProps} state={initialChatState()} nick="Ana" />);
  assert.match(textOf(write), /Escribe como Ana/);
  assert.match(write, /placeholder="Escriba un mensaje…"/);
});

test('the pinned message is shown above the others and errors read in plain Spanish', () => {
  const state = {
    ...initialChatState(),
    messages: [message('primero', { id: 'a' })],
    pinned: message('Ofrendas en el enlace de la descripción', { id: 'p', nick: 'Pastor', role: 'admin' }),
    errors: [{ code: 'rate_limited', message: 'rate limited', refusedText: null, seq: 1 }],
  };
  const html = renderIn('es', <ChatView {...viewProps} state={state} nick="Ana" />);
  const text = textOf(html);
  assert.ok(text.indexOf('Mensaje fijado') < text.indexOf('primero'));
  assert.match(text, /Está enviando mensajes muy rápido/);
  assert.match(html, /role="alert"/);
});

test('an error code the catalogue does not know shows the server’s own message', () => {
  const state = { ...initialChatState(), errors: [{ code: 'new_rule', message: 'Regla nueva del servidor', refusedText: null, seq: 1 }] };
  assert.match(textOf(renderIn('es', <ChatView {...viewProps} state={state} nick="Ana" />)), /Regla nueva del servidor/);
});

test('a join notice reads "NOMBRE está viendo" / "NAME is watching", with the name kept as text', () => {
  const join = message('', { id: 'join:0', nick: '<b>José</b>', role: 'system', kind: 'join' });
  const es = renderIn('es', <ChatMessageItem message={join} own={false} timeZone={TZ} />);
  assert.equal(textOf(es).trim(), '<b>José</b> está viendo');
  assert.match(es, /class="chat-join"/);
  assert.doesNotMatch(es, /chat-badge|<b>/);
  assert.equal(textOf(renderIn('en', <ChatMessageItem message={join} own={false} timeZone={TZ} />)).trim(), '<b>José</b> is watching');
});

test('slow mode is on the composer before anything fails, and a long text is counted and refused, not cut', () => {
  const state = { ...initialChatState(), slowModeSeconds: 30 };
  const html = renderIn('es', <ChatView {...viewProps} state={state} nick="Ana" />);
  assert.match(textOf(html), /Modo lento: puede enviar un mensaje cada 30 s/);
  assert.doesNotMatch(html, /maxlength/i, 'a paste is never silently cut');
  const moderator = renderIn('es', <ChatView {...viewProps} state={{ ...state, moderator: true }} nick="Pastor" />);
  assert.doesNotMatch(textOf(moderator), /Modo lento/, 'moderators are not held by it');
});
