import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { cleanNick, cleanText, containsLink, nickKey } from './protocol.js';

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

describe('names that look like a reserved one', () => {
  const reserved = ['pastor', 'moderator', 'moderador', 'system', 'casa del padre'].map(nickKey);
  const isReserved = (nick: string) => reserved.includes(nickKey(nick));

  test('look-alike letters of other scripts, small capitals and digits for letters meet the reserved name', () => {
    for (const nick of ['Pаstor', 'Μoderator', 'ѕystem', 'Casa dеl Padre', 'ᴍoderador', 'Moderad0r', 'P4st0r', 'MODERATOR', 'Módérador']) {
      assert.ok(isReserved(nick), `${JSON.stringify(nick)} (${[...nick].map((c) => c.codePointAt(0)!.toString(16)).join(' ')}) is reserved`);
    }
  });

  test('ordinary names stay free', () => {
    for (const nick of ['Pedro', 'María José', 'Juan 2024', 'Pastora Ruth', 'Sistemático']) assert.ok(!isReserved(nick), nick);
  });

  test('a name of nothing but fillers or invisible characters is blank', () => {
    for (const blank of ['ㅤㅤ', '\u115f\u1160', '\uffa0\uffa0', '\u2800\u2800', '\u200b\u200d\u2060', '\u3164 \u3164', '\u034f\u034f', '\ufe0f\ufe0f']) {
      assert.equal(cleanNick(blank), '', JSON.stringify(blank));
    }
    assert.equal(cleanNick('Ana\u3164'), 'Ana');
  });
});

describe('the link filter', () => {
  test('dots written as ideographic, fullwidth or halfwidth full stops are still dots', () => {
    for (const text of ['visiten evil。com', 'evil．com', 'evil｡com', 'ｅｖｉｌ．ｃｏｍ/x']) assert.ok(containsLink(text), text);
  });

  test('a dot with spaces around it still makes a link', () => {
    for (const text of ['evil .com', 'evil . com', 'entren a evil. com ahora', 'evil 。 com', 'spam . org', 'sitio . cl']) assert.ok(containsLink(text), text);
  });

  test('ordinary sentences with a period are not links', () => {
    for (const text of ['Gracias. Comenzamos', 'Amén . Dios', 'Gracias. Me alegro mucho', 'Bendiciones. Netamente de Dios', 'Hola. Co-pastor presente', 'Amén. Orgullosos de ustedes', 'Estamos. Online y presencial', 'Amén.', 'Gloria a Dios . Amén', 'Los vemos en la tv . Bendiciones']) {
      assert.ok(!containsLink(text), text);
    }
  });

  test('the links it caught before are still caught', () => {
    for (const text of ['https://x.y', 'www.algo', 'evil.com', 'mira bit.ly/abc', 'iglesia.cl']) assert.ok(containsLink(text), text);
  });
});
