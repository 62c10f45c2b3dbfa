import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { cleanNick, cleanText } from './protocol.js';

describe('cleaning what people type', () => {
  test('a message of nothing but an invisible bidi mark is empty (so it is refused, not shown blank)', () => {
    for (const mark of ['\u061c', '\u200e', '\u200f', '\u202e', '\u2066', '\u200b', '\ufeff']) assert.equal(cleanText(mark), '', JSON.stringify(mark));
    assert.equal(cleanText('Hola\u061cmundo'), 'Holamundo');
    assert.equal(cleanNick('\u061cPedro\u061c'), 'Pedro');
  });

  test('a message stays one line: Unicode line and paragraph separators become spaces', () => {
    assert.equal(cleanText('Hola\u2028hermanos\u2029de Tocopilla'), 'Hola hermanos de Tocopilla');
    assert.equal(cleanText('uno\r\ndos\nTres'), 'uno dos Tres');
  });

  test('ordinary Spanish text, accents and emoji are kept', () => {
    assert.equal(cleanText('  Amén, ¡gloria a Dios! 🙏🏽  '), 'Amén, ¡gloria a Dios! 🙏🏽');
    assert.equal(cleanNick('José   María'), 'José María');
  });
});
