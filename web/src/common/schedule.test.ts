import assert from 'node:assert/strict';
import { test } from 'node:test';
import { countdown, instantOf, nextService, zoneOffset, type ScheduleEntry } from './schedule';

const SCHEDULE: ScheduleEntry[] = [
  { day: 0, time: '11:00', title: 'Culto dominical' },
  { day: 3, time: '20:00', title: 'Reunión de oración' },
];
const TZ = 'America/Santiago';

test('on a Monday the next service is Wednesday evening, Santiago time', () => {
  // Monday 2026-11-23 10:00 in Santiago (UTC−3 in summer) = 13:00Z.
  const next = nextService(new Date('2026-11-23T13:00:00Z'), SCHEDULE);
  assert.equal(next?.entry.title, 'Reunión de oración');
  assert.equal(next?.at.toISOString(), '2026-11-25T23:00:00.000Z');
});

test('after Sunday’s service the next one wraps across the week to Wednesday', () => {
  // Sunday 2026-11-29 13:00 Santiago.
  const next = nextService(new Date('2026-11-29T16:00:00Z'), SCHEDULE);
  assert.equal(next?.entry.title, 'Reunión de oración');
  assert.equal(next?.at.toISOString(), '2026-12-02T23:00:00.000Z');
});

test('after Wednesday’s meeting the next service is Sunday across the week boundary', () => {
  // Wednesday 2026-11-25 22:00 Santiago = Thursday 01:00Z: the UTC day is already Thursday.
  const next = nextService(new Date('2026-11-26T01:00:00Z'), SCHEDULE);
  assert.equal(next?.entry.title, 'Culto dominical');
  assert.equal(next?.at.toISOString(), '2026-11-29T14:00:00.000Z');
});

test('late Saturday night in Santiago is already Sunday in UTC, and the service is still ahead', () => {
  // Saturday 2026-11-28 23:30 Santiago = Sunday 02:30Z.
  const next = nextService(new Date('2026-11-29T02:30:00Z'), SCHEDULE);
  assert.equal(next?.at.toISOString(), '2026-11-29T14:00:00.000Z');
});

test('when only one service exists and it just passed, the answer is the same day next week', () => {
  const only = [{ day: 0, time: '11:00', title: 'Culto' }];
  const next = nextService(new Date('2026-11-29T14:00:01Z'), only);
  assert.equal(next?.at.toISOString(), '2026-12-06T14:00:00.000Z');
});

test('a service that started minutes ago is still the next one within the grace period', () => {
  const now = new Date('2026-11-29T14:10:00Z');
  assert.equal(nextService(now, SCHEDULE, { graceMs: 30 * 60_000 })?.at.toISOString(), '2026-11-29T14:00:00.000Z');
  assert.equal(nextService(now, SCHEDULE)?.entry.title, 'Reunión de oración');
});

test('April: clocks go back at Saturday midnight, so Sunday 11:00 is 15:00Z, not 14:00Z', () => {
  // Saturday 2026-04-04 20:00 Santiago, still UTC−3.
  const now = new Date('2026-04-04T23:00:00Z');
  assert.equal(zoneOffset(now.getTime(), TZ), -3 * 3_600_000);
  const next = nextService(now, SCHEDULE);
  assert.equal(next?.entry.title, 'Culto dominical');
  assert.equal(next?.at.toISOString(), '2026-04-05T15:00:00.000Z');
});

test('September: clocks go forward at Saturday midnight, so Sunday 11:00 is 14:00Z, not 15:00Z', () => {
  // Saturday 2026-09-05 20:00 Santiago, still UTC−4.
  const now = new Date('2026-09-06T00:00:00Z');
  assert.equal(zoneOffset(now.getTime(), TZ), -4 * 3_600_000);
  const next = nextService(now, SCHEDULE);
  assert.equal(next?.at.toISOString(), '2026-09-06T14:00:00.000Z');
});

test('a time skipped by the September jump is read with the earlier offset; a repeated April time takes the first', () => {
  // 00:30 on 2026-09-06 does not exist in Santiago: it becomes 01:30 (UTC−3) = 04:30Z.
  assert.equal(new Date(instantOf(Date.UTC(2026, 8, 6, 0, 30), TZ)).toISOString(), '2026-09-06T04:30:00.000Z');
  // 23:30 on 2026-04-04 happens twice: first at UTC−3 (02:30Z), then at UTC−4.
  assert.equal(new Date(instantOf(Date.UTC(2026, 3, 4, 23, 30), TZ)).toISOString(), '2026-04-05T02:30:00.000Z');
});

test('an empty or unreadable schedule has no next service', () => {
  assert.equal(nextService(new Date(), []), null);
  assert.equal(nextService(new Date(), [{ day: 0, time: 'mediodía', title: 'x' }]), null);
});

test('the countdown splits the remaining time and stops at zero', () => {
  const now = new Date('2026-11-25T12:00:00Z');
  assert.deepEqual(countdown(now, new Date('2026-11-27T15:04:05Z')), { days: 2, hours: 3, minutes: 4, seconds: 5 });
  assert.deepEqual(countdown(now, new Date('2026-11-25T11:00:00Z')), { days: 0, hours: 0, minutes: 0, seconds: 0 });
});
