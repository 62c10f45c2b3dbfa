import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderIn, textOf } from '../../testing/render';
import { ModeratedMessageItem } from './ModeratedMessageItem';
import type { ModeratedMessage } from '../api/types';

const viewer: ModeratedMessage = { id: '7', nick: 'Ana', text: '<img src=x onerror=alert(1)> Amén', at: '2026-11-29T14:05:00Z', role: 'viewer', deleted: false };
const noop = () => {};

test('a message is shown as text, never as HTML, at Santiago time', () => {
  const html = renderIn('es', <ModeratedMessageItem message={viewer} pinned={false} open={false} busy={false} onToggle={noop} onRequest={noop} />);
  assert.doesNotMatch(html, /<img/);
  assert.match(html, /&lt;img src=x onerror=alert\(1\)&gt; Amén/);
  assert.match(textOf(html), /Ana 11:05/);
  assert.match(html, /aria-expanded="false"/);
  assert.doesNotMatch(textOf(html), /Eliminar/, 'actions stay folded until asked for');
});

test("an open viewer's message offers delete, pin, mute 5/15/60 min and block", () => {
  const text = textOf(renderIn('es', <ModeratedMessageItem message={viewer} pinned={false} open busy={false} onToggle={noop} onRequest={noop} />));
  for (const action of ['Eliminar', 'Fijar', 'Silenciar:', '5 min', '15 min', '60 min', 'Bloquear']) assert.ok(text.includes(action), action);
});

test("a moderator's message can be deleted or unpinned but not silenced", () => {
  const mod = { ...viewer, role: 'moderator', nick: 'Pastor', text: 'Bienvenidos' };
  const text = textOf(renderIn('es', <ModeratedMessageItem message={mod} pinned open busy={false} onToggle={noop} onRequest={noop} />));
  assert.match(text, /Moderador/);
  assert.match(text, /Desfijar/);
  assert.doesNotMatch(text, /Silenciar|Bloquear/);
});

test('a deleted message is marked and has no actions', () => {
  const text = textOf(renderIn('en', <ModeratedMessageItem message={{ ...viewer, deleted: true }} pinned={false} open busy={false} onToggle={noop} onRequest={noop} />));
  assert.match(text, /Deleted/);
  assert.doesNotMatch(text, /Actions|Block/);
});
