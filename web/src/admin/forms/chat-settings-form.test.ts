import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseWordFilter, slowModeChoices, wordFilterProblem } from './chat-settings-form';

test('the word filter takes one word per line or comma, without blanks or repeats', () => {
  assert.deepEqual(parseWordFilter('tonto\n\n  Tonto \nfeo, malo,\n'), ['tonto', 'feo', 'malo']);
  assert.deepEqual(parseWordFilter(''), []);
});

test('too many or too long words are refused before the server sees them', () => {
  assert.equal(wordFilterProblem(['a', 'b']), null);
  assert.deepEqual(wordFilterProblem(Array.from({ length: 201 }, (_, i) => `w${i}`)), { kind: 'too_many', max: 200 });
  assert.deepEqual(wordFilterProblem(['x'.repeat(51)]), { kind: 'too_long', word: 'x'.repeat(51), max: 50 });
});

test('slow-mode choices include a saved value that is not a preset', () => {
  assert.deepEqual(slowModeChoices(0), [0, 5, 10, 30, 60, 120, 300, 600]);
  assert.deepEqual(slowModeChoices(45), [0, 5, 10, 30, 45, 60, 120, 300, 600]);
});
