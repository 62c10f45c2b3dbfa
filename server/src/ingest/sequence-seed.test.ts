import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { parseMediaPlaylist } from '../observe/playlist.js';
import { seedMediaSequences, seedPlaylist } from './sequence-seed.js';

function folder(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cdp-seed-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('an empty seeded playlist carries the clock as its media sequence and lists no segment', () => {
  const p = parseMediaPlaylist(seedPlaylist(1764646141000, 2));
  assert.deepEqual(p, { mediaSequence: 1764646141000, targetDuration: 2, segments: [], ended: false });
});

test('renditions without a playlist are seeded; one still on disk (a reconnect) is left for nginx to continue', async (t) => {
  const hlsDir = folder(t);
  mkdirSync(path.join(hlsDir, 'envivo'));
  const kept = '#EXTM3U\n#EXT-X-MEDIA-SEQUENCE:1700000000123\n#EXTINF:2.0,\n1700000000999.ts\n';
  writeFileSync(path.join(hlsDir, 'envivo', 'index.m3u8'), kept);
  const seeded = await seedMediaSequences({ hlsDir, streamNames: ['envivo', 'envivo_low'], fragmentSeconds: 2, now: 1764646141000.7 });
  assert.deepEqual(seeded, ['envivo_low']);
  assert.equal(readFileSync(path.join(hlsDir, 'envivo', 'index.m3u8'), 'utf8'), kept);
  assert.equal(parseMediaPlaylist(readFileSync(path.join(hlsDir, 'envivo_low', 'index.m3u8'), 'utf8'))?.mediaSequence, 1764646141000);
});

test('a later broadcast after the cleanup starts above the earlier one', async (t) => {
  const hlsDir = folder(t);
  await seedMediaSequences({ hlsDir, streamNames: ['envivo'], fragmentSeconds: 2, now: 1000 });
  const first = parseMediaPlaylist(readFileSync(path.join(hlsDir, 'envivo', 'index.m3u8'), 'utf8'))!.mediaSequence;
  rmSync(path.join(hlsDir, 'envivo'), { recursive: true });
  await seedMediaSequences({ hlsDir, streamNames: ['envivo'], fragmentSeconds: 2, now: 61_000 });
  const second = parseMediaPlaylist(readFileSync(path.join(hlsDir, 'envivo', 'index.m3u8'), 'utf8'))!.mediaSequence;
  assert.ok(second > first, `${second} > ${first}`);
});
