import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isAlive, openFilesLimit, parseOpenFilesLimit } from './processes.js';

const LIMITS = `Limit                     Soft Limit           Hard Limit           Units
Max processes             96364                96364                processes
Max open files            1024                 20000                files
Max locked memory         8388608              8388608              bytes
`;

describe('process facts', () => {
  test('the hard open-files limit is read from /proc/PID/limits', () => {
    assert.equal(parseOpenFilesLimit(LIMITS), 20000);
    assert.equal(parseOpenFilesLimit(LIMITS.replace('20000', 'unlimited')), undefined);
    assert.equal(parseOpenFilesLimit('garbage'), undefined);
    const mine = openFilesLimit();
    assert.ok(mine === undefined || mine >= 1024, `this process's limit (${mine}) is a real figure`);
  });

  test('a running process is alive; one that has exited is not', () => {
    assert.equal(isAlive(process.pid), true);
    assert.equal(isAlive(2 ** 22 + 1), false, 'above pid_max: no such process');
  });
});
