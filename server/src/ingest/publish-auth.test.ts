import { test, describe, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redactor } from '../log/redactor.js';
import { SecretsFile } from '../storage/secrets-file.js';
import { KeyError, PublishAuth } from './publish-auth.js';

const ENV_KEY = 'env_key_from_STREAM_KEY_0123';

let dir: string;
let secrets: SecretsFile;
let redactor: Redactor;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'cdp-auth-'));
  secrets = new SecretsFile(dir);
  redactor = new Redactor();
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function keyError(fn: () => unknown): KeyError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof KeyError, `expected a KeyError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected a KeyError');
}

describe('PublishAuth with a generated key', () => {
  test('the first start generates a key and returns it once; the second start returns null', () => {
    const auth = new PublishAuth(secrets, undefined, redactor);
    const key = auth.ensureKey(new Date('2026-11-29T14:00:00Z'));
    assert.ok(key);
    assert.match(key, /^[A-Za-z0-9_-]{32}$/);
    assert.equal(auth.ensureKey(), null);
    assert.equal(new PublishAuth(new SecretsFile(dir), undefined, new Redactor()).ensureKey(), null, 'a restart reads the stored key');
    const stored = secrets.read().streamKeys;
    assert.equal(stored.length, 1);
    assert.equal(stored[0]!.key, key);
    assert.equal(stored[0]!.createdAt, '2026-11-29T14:00:00.000Z');
  });

  test('the secrets file is readable by its owner only (mode 0600)', () => {
    new PublishAuth(secrets, undefined, redactor).ensureKey();
    assert.equal(statSync(secrets.file).mode & 0o777, 0o600);
    assert.equal(secrets.file, path.join(dir, 'secrets.json'));
  });

  test('the right key is accepted; another key, a prefix and the empty string are refused', () => {
    const auth = new PublishAuth(secrets, undefined, redactor);
    const key = auth.ensureKey()!;
    assert.equal(auth.check(key), true);
    assert.equal(auth.check('wrong-key-wrong-key-wrong-key-00'), false);
    assert.equal(auth.check(key.slice(0, -1)), false);
    assert.equal(auth.check(`${key}x`), false);
    assert.equal(auth.check(''), false);
    assert.equal(auth.check(key.toUpperCase() === key ? key.toLowerCase() : key.toUpperCase()), false);
  });

  test('with no key at all (nothing generated yet) every candidate is refused', () => {
    const auth = new PublishAuth(secrets, undefined, redactor);
    assert.equal(auth.check(''), false);
    assert.equal(auth.check('anything-at-all-0123'), false);
  });

  test('rotating refuses the old key and accepts the new one', () => {
    const auth = new PublishAuth(secrets, undefined, redactor);
    const old = auth.ensureKey()!;
    auth.add();
    const fresh = auth.rotate(new Date('2026-12-01T10:00:00Z'));
    assert.notEqual(fresh.key, old);
    assert.equal(auth.check(old), false);
    assert.equal(auth.check(fresh.key), true);
    assert.deepEqual(secrets.read().streamKeys, [fresh], 'rotation replaces every stored key');
    assert.equal(fresh.createdAt, '2026-12-01T10:00:00.000Z');
  });

  test('a key rotated by another process (the CLI) takes effect without a restart', () => {
    const service = new PublishAuth(secrets, undefined, redactor);
    const old = service.ensureKey()!;
    const cli = new PublishAuth(new SecretsFile(dir), undefined, new Redactor());
    const fresh = cli.rotate();
    assert.equal(service.check(old), false);
    assert.equal(service.check(fresh.key), true);
  });

  test('added keys are all accepted until revoked', () => {
    const auth = new PublishAuth(secrets, undefined, redactor);
    const first = auth.ensureKey()!;
    const second = auth.add();
    assert.equal(auth.check(first), true);
    assert.equal(auth.check(second.key), true);
    assert.deepEqual(auth.keys().map((k) => [k.key, k.source]), [
      [first, 'file'],
      [second.key, 'file'],
    ]);
    auth.revoke(second.id);
    assert.equal(auth.check(second.key), false);
    assert.equal(auth.check(first), true);
  });

  test('revoking the only key is refused (KEY_LAST) and the key keeps working', () => {
    const auth = new PublishAuth(secrets, undefined, redactor);
    const key = auth.ensureKey()!;
    const [only] = auth.keys();
    assert.equal(keyError(() => auth.revoke(only!.id)).code, 'KEY_LAST');
    assert.equal(auth.check(key), true);
  });

  test('revoking an unknown key id is refused (KEY_NOT_FOUND)', () => {
    const auth = new PublishAuth(secrets, undefined, redactor);
    auth.ensureKey();
    assert.equal(keyError(() => auth.revoke('nope')).code, 'KEY_NOT_FOUND');
  });

  test('generated and added keys are registered with the log redactor', () => {
    const auth = new PublishAuth(secrets, undefined, redactor);
    const key = auth.ensureKey()!;
    const added = auth.add();
    const rotated = auth.rotate();
    assert.equal(redactor.redact(`${key} ${added.key} ${rotated.key}`), '[REDACTED] [REDACTED] [REDACTED]');
  });

  test('keys already stored are registered with the redactor on start', () => {
    const key = new PublishAuth(secrets, undefined, new Redactor()).ensureKey()!;
    new PublishAuth(new SecretsFile(dir), undefined, redactor).ensureKey();
    assert.equal(redactor.redact(key), '[REDACTED]');
  });
});

describe('PublishAuth with STREAM_KEY from the environment', () => {
  test('no key is generated and the env key is accepted', () => {
    const auth = new PublishAuth(secrets, ENV_KEY, redactor);
    assert.equal(auth.ensureKey(), null);
    assert.deepEqual(secrets.read().streamKeys, []);
    assert.equal(auth.check(ENV_KEY), true);
    assert.equal(auth.check('env_key_from_STREAM_KEY_0124'), false);
    assert.equal(auth.check(''), false);
    assert.deepEqual(auth.keys(), [{ id: 'env', createdAt: '', source: 'env', key: ENV_KEY }]);
  });

  test('the env key is registered with the redactor', () => {
    new PublishAuth(secrets, ENV_KEY, redactor);
    assert.equal(redactor.redact(`x ${ENV_KEY} y`), 'x [REDACTED] y');
  });

  test('rotating is refused with KEY_FROM_ENV and nothing is written', () => {
    const auth = new PublishAuth(secrets, ENV_KEY, redactor);
    const err = keyError(() => auth.rotate());
    assert.equal(err.code, 'KEY_FROM_ENV');
    assert.match(err.message, /STREAM_KEY/);
    assert.deepEqual(secrets.read().streamKeys, []);
    assert.equal(auth.check(ENV_KEY), true);
  });

  test('an extra stored key may be revoked even when it is the only stored one, since the env key remains', () => {
    const auth = new PublishAuth(secrets, ENV_KEY, redactor);
    const extra = auth.add();
    auth.revoke(extra.id);
    assert.equal(auth.check(extra.key), false);
    assert.equal(auth.check(ENV_KEY), true);
  });

  test('the secrets file never stores the env key', () => {
    const auth = new PublishAuth(secrets, ENV_KEY, redactor);
    auth.add();
    assert.ok(!readFileSync(secrets.file, 'utf8').includes(ENV_KEY));
  });
});
