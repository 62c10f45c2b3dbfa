import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OVERLAY_DEFAULTS, overlayQuery, parseOverlayOptions } from './overlay-options';

test('no options: the defaults (48 px, 8 messages, 30 s, names on, dark, left, no pinned, no joins)', () => {
  assert.deepEqual(parseOverlayOptions(''), { size: 48, max: 8, fade: 30, names: true, theme: 'dark', align: 'left', pinned: false, joins: false });
  assert.deepEqual(parseOverlayOptions('?'), OVERLAY_DEFAULTS);
});

test('every option is read from the URL', () => {
  assert.deepEqual(parseOverlayOptions('?size=72&max=3&fade=0&names=0&theme=light&align=right&pinned=1&joins=1'), {
    size: 72,
    max: 3,
    fade: 0,
    names: false,
    theme: 'light',
    align: 'right',
    pinned: true,
    joins: true,
  });
  // Case and surrounding spaces are forgiven; so is "true"/"false".
  assert.deepEqual(parseOverlayOptions('theme=LIGHT&align=%20Right&names=false&pinned=true'), { ...OVERLAY_DEFAULTS, theme: 'light', align: 'right', names: false, pinned: true });
});

test('bad values fall back to that option’s default, never to a broken page', () => {
  const bad = [
    'size=abc', 'size=-5', 'size=0', 'size=9999', 'size=1e3', 'size=48.5', 'size=', 'size=0x30', 'size=Infinity',
    'max=0', 'max=51', 'max=ten', 'fade=-1', 'fade=3601', 'fade=NaN', 'names=2', 'names=maybe',
    'theme=blue', 'theme=', 'align=center', 'align=justify', 'pinned=x', 'joins=%',
  ];
  for (const q of bad) assert.deepEqual(parseOverlayOptions(`?${q}`), OVERLAY_DEFAULTS, q);
  // One bad option leaves the good ones alone.
  assert.deepEqual(parseOverlayOptions('?size=huge&max=4&theme=neon&align=right'), { ...OVERLAY_DEFAULTS, max: 4, align: 'right' });
  // The limits themselves are accepted.
  assert.deepEqual(parseOverlayOptions('?size=12&max=50&fade=3600'), { ...OVERLAY_DEFAULTS, size: 12, max: 50, fade: 3600 });
  // A repeated option: the first wins.
  assert.equal(parseOverlayOptions('?size=60&size=70').size, 60);
});

test('the query built for a set of options reads back as the same options, and lists only changes', () => {
  assert.equal(overlayQuery(OVERLAY_DEFAULTS), '');
  const o = { size: 64, max: 5, fade: 0, names: false, theme: 'light', align: 'right', pinned: true, joins: true } as const;
  const q = overlayQuery(o);
  assert.equal(q, '?size=64&max=5&fade=0&names=0&theme=light&align=right&pinned=1&joins=1');
  assert.deepEqual(parseOverlayOptions(q), o);
  assert.equal(overlayQuery({ ...OVERLAY_DEFAULTS, align: 'right' }), '?align=right');
});
