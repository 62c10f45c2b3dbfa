import assert from 'node:assert/strict';
import { test } from 'node:test';
import { axisMax, inWindow, linear, linePath, niceCeil, pickFps, pickKbps, rangeOf, WINDOW_MS } from './chart';
import type { HealthSample } from '../api/types';

const T0 = Date.parse('2026-11-29T14:00:00Z');
const at = (s: number) => new Date(T0 + s * 1000).toISOString();

test('axis tops are round numbers at or above the value', () => {
  assert.equal(niceCeil(1), 1);
  assert.equal(niceCeil(33), 40);
  assert.equal(niceCeil(5500), 6000);
  assert.equal(niceCeil(2.2), 2.5);
  assert.equal(niceCeil(4400), 5000);
  assert.equal(niceCeil(0.07), 0.08);
  assert.equal(niceCeil(0), 1);
  assert.equal(niceCeil(Number.NaN), 1);
});

test('the bitrate axis keeps the recommended band in view and grows for a higher bitrate', () => {
  assert.equal(axisMax([{ at: at(0), inputKbps: 2800 }], pickKbps, 5000), 5000);
  assert.equal(axisMax([{ at: at(0), inputKbps: 7000 }], pickKbps, 5000), 8000);
  assert.equal(axisMax([], pickFps, 30), 30);
});

test('scales map a domain onto a range, upside down for SVG y', () => {
  const y = linear(0, 100, 80, 20);
  assert.equal(y(0), 80);
  assert.equal(y(100), 20);
  assert.equal(y(50), 50);
  assert.equal(linear(5, 5, 10, 20)(5), 10);
});

test('the line breaks where a value is missing or samples stop for a while', () => {
  const samples: HealthSample[] = [
    { at: at(0), fps: 30 },
    { at: at(5), fps: 29 },
    { at: at(10) },
    { at: at(15), fps: 30 },
    { at: at(20), fps: 30 },
    { at: at(60), fps: 25 },
  ];
  const x = (ms: number) => (ms - T0) / 1000;
  const path = linePath(samples, pickFps, x, (v) => 100 - v);
  assert.equal(path, 'M0 70 L5 71 M15 70 L20 70 M60 75');
});

test('only the last ten minutes are drawn, oldest first', () => {
  const now = T0 + WINDOW_MS;
  const samples: HealthSample[] = [{ at: at(595) }, { at: at(-5) }, { at: at(300) }, { at: at(700) }, { at: 'not a date' }];
  assert.deepEqual(inWindow(samples, now).map((s) => s.at), [at(300), at(595)], 'older than ten minutes or in the future: left out');
});

test('the summary reads lowest, highest and latest', () => {
  const samples: HealthSample[] = [{ at: at(0), inputKbps: 3000 }, { at: at(5), inputKbps: 2500 }, { at: at(10) }, { at: at(15), inputKbps: 2800 }];
  assert.deepEqual(rangeOf(samples, pickKbps), { min: 2500, max: 3000, last: 2800 });
  assert.equal(rangeOf(samples, pickFps), null);
});
