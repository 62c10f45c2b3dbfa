import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_SITE } from '../api/site';
import type { StreamStatus } from '../api/status';
import { renderIn, textOf } from '../testing/render';
import { StreamStage } from '../viewer/StreamStage';
import { detectLang } from './catalogue';
import { en } from './en';
import { es } from './es';

function shape(v: unknown, prefix = ''): string[] {
  if (typeof v !== 'object' || v === null) return [`${prefix}:${typeof v}`];
  return Object.entries(v).flatMap(([k, x]) => shape(x, prefix ? `${prefix}.${k}` : k)).sort();
}

test('the Spanish and English catalogues have the same keys, with the same kinds of values', () => {
  assert.deepEqual(shape(en), shape(es));
});

test('no catalogue entry is empty', () => {
  for (const [name, catalogue] of Object.entries({ es, en })) {
    for (const entry of shape(catalogue)) assert.ok(!entry.endsWith(':undefined'), `${name} ${entry}`);
    const strings = JSON.stringify(catalogue);
    assert.doesNotMatch(strings, /""/, `${name} has an empty string`);
  }
});

test('Spanish is the default; English only when the browser asks for it; a remembered choice wins', () => {
  assert.equal(detectLang(null, []), 'es');
  assert.equal(detectLang(null, ['es-CL', 'en-US']), 'es');
  assert.equal(detectLang(null, ['en-US', 'es']), 'en');
  assert.equal(detectLang(null, ['pt-BR', 'en']), 'en');
  assert.equal(detectLang(null, ['de-DE']), 'es');
  assert.equal(detectLang('es', ['en-US']), 'es');
  assert.equal(detectLang('fr', ['en-US']), 'en');
});

const live: StreamStatus = { state: 'live', since: '', name: 'envivo', master: '/video/envivo.m3u8', renditions: [], viewers: 3 };

test('with English selected the page speaks English', () => {
  const text = textOf(renderIn('en', <StreamStage status={live} site={DEFAULT_SITE} now={new Date()} />));
  assert.match(text, /LIVE/);
  assert.match(text, /3 people watching/);
  assert.match(text, /Turn sound on/);
  assert.doesNotMatch(text, /EN VIVO|personas|Activar/);
  const starting = textOf(renderIn('en', <StreamStage status={{ ...live, state: 'starting' }} site={DEFAULT_SITE} now={new Date()} />));
  assert.match(starting, /The stream is starting/);
});

test('in English the next service date is written in English, still on Santiago time', () => {
  // Saturday 2026-11-28 23:30 in Santiago is already Sunday in UTC.
  const text = textOf(renderIn('en', <StreamStage status={{ ...live, state: 'offline' }} site={DEFAULT_SITE} now={new Date('2026-11-29T02:30:00Z')} />));
  assert.match(text, /Next stream/);
  assert.match(text, /Sunday, November 29/);
  assert.match(text, /11:00/);
});
