import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Compares text with a committed snapshot in `dir`/__snapshots__/`name`; UPDATE_SNAPSHOTS=1 rewrites it
 * instead (review the diff before committing).
 */
export function matchSnapshot(dir: string, name: string, actual: string): void {
  const file = path.join(dir, '__snapshots__', name);
  if (process.env.UPDATE_SNAPSHOTS === '1') {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, actual);
    return;
  }
  assert.ok(existsSync(file), `missing snapshot ${file}; run with UPDATE_SNAPSHOTS=1 to create it`);
  assert.equal(actual, readFileSync(file, 'utf8'), `${name} changed; if intended, run with UPDATE_SNAPSHOTS=1 and review the diff`);
}
