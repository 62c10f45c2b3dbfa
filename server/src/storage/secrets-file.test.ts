import { test, describe, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { hashPassword, newSecret, SecretsFile, verifyPassword } from './secrets-file.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'cdp-secrets-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('admin password hashing', () => {
  test('the right password verifies and a wrong one does not', () => {
    const stored = hashPassword('correct horse battery');
    assert.equal(verifyPassword('correct horse battery', stored), true);
    assert.equal(verifyPassword('correct horse batter', stored), false);
    assert.equal(verifyPassword('', stored), false);
  });

  test('the stored form is salted scrypt and never contains the password', () => {
    const a = hashPassword('correct horse battery');
    const b = hashPassword('correct horse battery');
    assert.match(a, /^scrypt\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    assert.notEqual(a, b, 'each hash has its own salt');
    assert.ok(!a.includes('correct'));
  });

  test('a malformed or foreign stored hash never verifies', () => {
    for (const stored of ['', 'plain', 'bcrypt$x$y', 'scrypt$$', 'scrypt$abc$']) assert.equal(verifyPassword('anything', stored), false, stored);
  });
});

describe('newSecret', () => {
  test('is URL-safe, 32 characters by default, and different each time', () => {
    const a = newSecret();
    assert.match(a, /^[A-Za-z0-9_-]{32}$/);
    assert.notEqual(a, newSecret());
    assert.match(newSecret(6), /^[A-Za-z0-9_-]{8}$/);
  });
});

describe('SecretsFile', () => {
  test('a missing file reads as no secrets', () => {
    assert.deepEqual(new SecretsFile(dir).read(), { streamKeys: [] });
  });

  test('what is written is read back, with mode 0600 and no temp file left behind', () => {
    const f = new SecretsFile(path.join(dir, 'nested', 'data'));
    const secrets = { streamKeys: [{ id: 'abc', key: 'k'.repeat(32), createdAt: '2026-01-01T00:00:00.000Z' }], callbackToken: 't'.repeat(32) };
    f.write(secrets);
    assert.deepEqual(f.read(), secrets);
    assert.equal(statSync(f.file).mode & 0o777, 0o600);
    assert.deepEqual(readdirSync(path.dirname(f.file)), ['secrets.json']);
  });

  test('update reads, changes and writes in one call', () => {
    const f = new SecretsFile(dir);
    f.update((s) => ({ ...s, callbackToken: 'tok' }));
    const next = f.update((s) => ({ ...s, adminPasswordHash: 'h' }));
    assert.deepEqual(next, { streamKeys: [], callbackToken: 'tok', adminPasswordHash: 'h' });
    assert.deepEqual(f.read(), next);
  });

  test('a damaged file is reported with its path instead of being overwritten', () => {
    const f = new SecretsFile(dir);
    writeFileSync(f.file, JSON.stringify({ streamKeys: 'not a list' }));
    assert.throws(() => f.read(), (err: Error) => err.message.includes(f.file) && err.message.includes('dañado'));
    assert.ok(existsSync(f.file));
  });
});
