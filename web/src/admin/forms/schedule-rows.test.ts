import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hasProblems, newRow, rowsFrom, toEntries, validateRows } from './schedule-rows';

test('rows from the server validate clean and save back in week order', () => {
  const rows = rowsFrom([
    { day: 3, time: '20:00', title: 'Reunión de oración' },
    { day: 0, time: '11:00', title: '  Culto dominical ' },
    { day: 0, time: '09:30', title: 'Escuela dominical' },
  ]);
  assert.equal(new Set(rows.map((r) => r.key)).size, 3, 'each row has its own key');
  assert.equal(hasProblems(validateRows(rows)), false);
  assert.deepEqual(toEntries(rows), [
    { day: 0, time: '09:30', title: 'Escuela dominical' },
    { day: 0, time: '11:00', title: 'Culto dominical' },
    { day: 3, time: '20:00', title: 'Reunión de oración' },
  ]);
});

test('a bad time, a missing or long title and a repeated slot are each named on their row', () => {
  const rows = rowsFrom([
    { day: 0, time: '25:00', title: 'Culto' },
    { day: 1, time: '19:00', title: '   ' },
    { day: 2, time: '19:00', title: 'x'.repeat(81) },
    { day: 6, time: '18:00', title: 'Jóvenes' },
    { day: 6, time: '18:00', title: 'Jóvenes otra vez' },
    { day: 4, time: '9:00', title: 'Sin cero' },
  ]);
  const p = validateRows(rows);
  assert.deepEqual(p[0], { time: 'invalid' });
  assert.deepEqual(p[1], { title: 'empty' });
  assert.deepEqual(p[2], { title: 'too_long' });
  assert.deepEqual(p[3], { duplicate: true });
  assert.deepEqual(p[4], { duplicate: true });
  assert.deepEqual(p[5], { time: 'invalid' }, 'the server wants HH:MM with two digits');
  assert.equal(hasProblems(p), true);
  assert.equal(hasProblems([]), false);
});

test('a new row starts on Sunday at 11:00, or the day after the last one', () => {
  const first = newRow([], 'Culto');
  assert.deepEqual({ day: first.day, time: first.time, title: first.title }, { day: 0, time: '11:00', title: 'Culto' });
  const after = newRow(rowsFrom([{ day: 6, time: '19:30', title: 'Jóvenes' }]), 'Culto');
  assert.deepEqual({ day: after.day, time: after.time }, { day: 0, time: '19:30' });
});
