import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultTitle } from './title.js';

const schedule = [
  { day: 0, time: '11:00', title: 'Culto dominical' },
  { day: 3, time: '20:00', title: 'Reunión de oración' },
];

test('a Sunday broadcast started early is titled with the scheduled time, in Santiago', () => {
  // 10:42 in Santiago (UTC-3 in summer) on Sunday 6 December 2026 (the example, "domingo 7", is a Monday).
  assert.equal(defaultTitle(new Date('2026-12-06T13:42:00Z'), schedule), 'Servicio del domingo 6 de diciembre de 2026, 11:00');
});

test('a broadcast matching no scheduled service is titled with its own start time', () => {
  assert.equal(defaultTitle(new Date('2026-12-08T22:05:00Z'), schedule), 'Servicio del martes 8 de diciembre de 2026, 19:05');
});

test('the date is Santiago’s, not UTC’s: a Wednesday 20:00 service ends up on Thursday in UTC', () => {
  assert.equal(defaultTitle(new Date('2026-12-10T23:10:00Z'), schedule), 'Servicio del jueves 10 de diciembre de 2026, 20:10');
  assert.equal(defaultTitle(new Date('2026-12-09T23:10:00Z'), schedule), 'Servicio del miércoles 9 de diciembre de 2026, 20:00');
});

test('winter time (UTC-4) is applied too', () => {
  assert.equal(defaultTitle(new Date('2026-06-07T15:00:00Z'), schedule), 'Servicio del domingo 7 de junio de 2026, 11:00');
});
