import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { createLogger } from '../log/logger.js';
import { Redactor } from '../log/redactor.js';
import { classifyStorage, minFreeBytes, MIN_FREE_BYTES, problemOfWriteError, StorageCheck } from './storage-check.js';

const MB = 1024 * 1024;
const GB = 1024 * MB;

describe('how full the HLS disk is', () => {
  test('"full" leaves room for three segments of the whole ladder, and never less than 4 MB', () => {
    // Default ladder (1528 + 464 + 96 kbps) plus a 6 Mbps source, 2 s fragments: 8.088 Mbps × 6 s ≈ 6 MB.
    assert.equal(minFreeBytes(8_088_000, 2), Math.ceil((8_088_000 / 8) * 2 * 3));
    assert.ok(minFreeBytes(8_088_000, 2) > 5.5 * MB && minFreeBytes(8_088_000, 2) < 6 * MB);
    assert.equal(minFreeBytes(500_000, 2), MIN_FREE_BYTES, 'a tiny ladder still keeps 4 MB');
  });

  test('a disk with less free space than that is full, and not ok', () => {
    const min = 6 * MB;
    assert.deepEqual(classifyStorage({ freeBytes: 0, totalBytes: 64 * MB }, min), { freeBytes: 0, totalBytes: 64 * MB, ok: false, problem: 'disk_full' });
    assert.equal(classifyStorage({ freeBytes: min - 1, totalBytes: 500 * GB }, min).problem, 'disk_full');
    assert.equal(classifyStorage({ freeBytes: min, totalBytes: 64 * MB }, min).problem, 'disk_low', 'exactly the minimum is not full (but is under 10 %)');
  });

  test('"low" needs both under 10 % and under 1 GB: a large disk at 10 % still has hours of room', () => {
    const min = 6 * MB;
    const low = classifyStorage({ freeBytes: 900 * MB, totalBytes: 20 * GB }, min);
    assert.deepEqual(low, { freeBytes: 900 * MB, totalBytes: 20 * GB, ok: true, problem: 'disk_low' });
    assert.equal(classifyStorage({ freeBytes: 5 * GB, totalBytes: 100 * GB }, min).problem, undefined, '5 % of a big disk is still 5 GB');
    assert.equal(classifyStorage({ freeBytes: 500 * MB, totalBytes: 2 * GB }, min).problem, undefined, '25 % free is fine');
    assert.deepEqual(classifyStorage({ freeBytes: 50 * GB, totalBytes: 100 * GB }, min), { freeBytes: 50 * GB, totalBytes: 100 * GB, ok: true });
  });

  test('a failed write outranks free blocks: no inodes left, or a read-only disk', () => {
    const min = 6 * MB;
    assert.deepEqual(classifyStorage({ freeBytes: 40 * GB, totalBytes: 100 * GB }, min, 'disk_full'), { freeBytes: 40 * GB, totalBytes: 100 * GB, ok: false, problem: 'disk_full' });
    assert.equal(classifyStorage({ freeBytes: 40 * GB, totalBytes: 100 * GB }, min, 'unwritable').problem, 'unwritable');
    assert.equal(problemOfWriteError('ENOSPC'), 'disk_full');
    assert.equal(problemOfWriteError('EDQUOT'), 'disk_full');
    assert.equal(problemOfWriteError('EROFS'), 'unwritable');
    assert.equal(problemOfWriteError('EACCES'), 'unwritable');
    assert.equal(problemOfWriteError('ENOENT'), undefined, 'a race with a folder being recreated is not a disk problem');
  });
});

describe('the storage check on a real folder', () => {
  test('measures at most every interval and logs only transitions', async (t) => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'cdp-storage-'));
    t.after(() => rmSync(root, { recursive: true, force: true }));
    mkdirSync(path.join(root, 'video'));
    const lines: string[] = [];
    const sink = new Writable({ write: (c, _e, cb) => (lines.push(String(c)), cb()) });
    let now = 0;
    // An absurd minimum makes any real disk "full": the transition is logged once, not on every check.
    const check = new StorageCheck({ dir: path.join(root, 'video'), minFreeBytes: Number.MAX_SAFE_INTEGER, logger: createLogger('info', new Redactor(), sink), everyMs: 2000, now: () => now });
    assert.equal(check.current(), undefined);
    const first = await check.check();
    assert.ok(first && first.totalBytes > 0 && first.freeBytes >= 0);
    assert.equal(first.problem, 'disk_full');
    assert.equal(first.ok, false);
    assert.ok(!('path' in first), 'no path in what the dashboard sees');
    now = 1000;
    assert.equal(await check.check(), first, 'within the interval the last reading is reused');
    now = 2500;
    const second = await check.check();
    assert.notEqual(second, first, 'measured again after the interval');
    assert.equal(lines.filter((l) => l.includes('"storage_full"')).length, 1, 'logged once per transition');
  });
});
