import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Rendition } from '../api/status';
import { levelIndexFor, qualityOptions, renditionFor } from './quality';

const source: Rendition = { id: 'source', url: '/video/envivo/index.m3u8', width: 1280, height: 720, bandwidth: 2_800_000 };
const mid: Rendition = { id: 'mid', url: '/video/envivo_mid/index.m3u8', width: 854, height: 480, bandwidth: 1_400_000 };
const low: Rendition = { id: 'low', url: '/video/envivo_low/index.m3u8', width: 640, height: 360, bandwidth: 500_000 };
const audio: Rendition = { id: 'audio', url: '/video/envivo_audio/index.m3u8', bandwidth: 96_000, audioOnly: true };
const BASE = 'https://iglesia.example/';

test('the menu lists Automática, the video qualities from high to low, then audio only', () => {
  assert.deepEqual(qualityOptions([low, audio, source, mid]).map((o) => o.choice), ['auto', 'source', 'mid', 'low', 'audio']);
});

test('a quality that disappeared from the ladder falls back to adaptive', () => {
  assert.equal(renditionFor('low', [source, mid]), null);
  assert.equal(renditionFor('auto', [source, low]), null);
  assert.equal(renditionFor('low', [source, low]), low);
});

test('Baja selects the hls.js level with height 360, found by its playlist URL', () => {
  // The master lists mid first, as the server writes it; hls.js keeps the master's order.
  const levels = [
    { height: 480, uri: 'https://iglesia.example/video/envivo_mid/index.m3u8' },
    { height: 720, uri: 'https://iglesia.example/video/envivo/index.m3u8' },
    { height: 360, uri: 'https://iglesia.example/video/envivo_low/index.m3u8' },
  ];
  assert.equal(levelIndexFor(levels, low, BASE), 2);
  assert.equal(levelIndexFor(levels, source, BASE), 1);
});

test('without matching URLs the level is found by height, and -1 when absent', () => {
  const levels = [{ height: 480 }, { height: 360 }];
  assert.equal(levelIndexFor(levels, low, BASE), 1);
  assert.equal(levelIndexFor(levels, source, BASE), -1);
});
