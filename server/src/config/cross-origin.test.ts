import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import os from 'node:os';
import path from 'node:path';
import { writeFileSync } from 'node:fs';
import { ConfigError, loadConfig } from './load.js';
import { normalizeOrigin } from './schema.js';

const dir = os.tmpdir();

function problems(env: NodeJS.ProcessEnv): string[] {
  try {
    loadConfig(env, dir);
  } catch (err) {
    assert.ok(err instanceof ConfigError, String(err));
    return err.problems;
  }
  return assert.fail('the configuration was accepted');
}

describe('cors.origins (CORS_ORIGINS)', () => {
  test('by default only the origin of PUBLIC_URL is allowed', () => {
    assert.deepEqual(loadConfig({}, dir).cors.origins, ['http://localhost:8080']);
    assert.deepEqual(loadConfig({ PUBLIC_URL: 'https://Iglesia.cl/en-vivo/' }, dir).cors.origins, ['https://iglesia.cl']);
  });

  test('CORS_ORIGINS is comma-separated and stored the way a browser writes an Origin', () => {
    const c = loadConfig({ CORS_ORIGINS: ' https://App.Iglesia.cl , http://192.168.1.10:3000/,https://iglesia.cl:443' }, dir);
    assert.deepEqual(c.cors.origins, ['https://app.iglesia.cl', 'http://192.168.1.10:3000', 'https://iglesia.cl']);
  });

  test('a list in the configuration file is read too, and the environment wins', () => {
    const file = path.join(dir, `cdp-cors-${process.pid}.json`);
    writeFileSync(file, JSON.stringify({ cors: { origins: ['https://a.cl'] } }));
    assert.deepEqual(loadConfig({ CONFIG_FILE: file }, dir).cors.origins, ['https://a.cl']);
    assert.deepEqual(loadConfig({ CONFIG_FILE: file, CORS_ORIGINS: 'https://b.cl' }, dir).cors.origins, ['https://b.cl']);
  });

  test('an origin that is not one (foo, a path, a wildcard, another scheme) is a config error naming CORS_ORIGINS', () => {
    for (const bad of ['foo', 'https://iglesia.cl/app', '*', 'ftp://iglesia.cl', 'https://user:pw@iglesia.cl', 'https://iglesia.cl?x=1']) {
      const list = problems({ CORS_ORIGINS: `https://ok.cl,${bad}` });
      assert.equal(list.length, 1, bad);
      assert.match(list[0]!, /^CORS_ORIGINS \(cors\.origins\.1\): .*debe ser un origen .* \/ must be an origin/, bad);
    }
  });

  test('normalizeOrigin: host case, default port and trailing slash do not matter; scheme and port do', () => {
    assert.equal(normalizeOrigin('HTTPS://IGLESIA.CL/'), 'https://iglesia.cl');
    assert.equal(normalizeOrigin('http://iglesia.cl:80'), 'http://iglesia.cl');
    assert.equal(normalizeOrigin('http://iglesia.cl:8080'), 'http://iglesia.cl:8080');
    assert.equal(normalizeOrigin('null'), null);
    assert.equal(normalizeOrigin(''), null);
  });
});

describe('legacyFrontend (LEGACY_FRONTEND_DIR, LEGACY_FRONTEND_PATH)', () => {
  test('unset by default', () => {
    assert.equal(loadConfig({}, dir).legacyFrontend, undefined);
  });

  test('the folder is resolved against the working directory and served at /iglesia/ by default', () => {
    assert.deepEqual(loadConfig({ LEGACY_FRONTEND_DIR: 'old/build' }, dir).legacyFrontend, { dir: path.join(dir, 'old', 'build'), path: '/iglesia/' });
    assert.equal(loadConfig({ LEGACY_FRONTEND_DIR: '/srv/old', LEGACY_FRONTEND_PATH: '/antigua' }, dir).legacyFrontend?.path, '/antigua/');
  });

  test('a path without a folder, or a path the platform uses, is refused naming the variable', () => {
    assert.match(problems({ LEGACY_FRONTEND_PATH: '/iglesia/' })[0]!, /^legacyFrontend\.dir: .*LEGACY_FRONTEND_DIR/);
    assert.match(problems({ LEGACY_FRONTEND_DIR: '/srv/old build' })[0]!, /^LEGACY_FRONTEND_DIR \(legacyFrontend\.dir\): /);
    assert.match(problems({ LEGACY_FRONTEND_DIR: '/srv/$old;' })[0]!, /^LEGACY_FRONTEND_DIR \(legacyFrontend\.dir\): /);
    for (const bad of ['/api/', '/video', '/v1/', 'iglesia', '/a/../b/']) {
      assert.match(problems({ LEGACY_FRONTEND_DIR: '/srv/old', LEGACY_FRONTEND_PATH: bad })[0]!, /^LEGACY_FRONTEND_PATH \(legacyFrontend\.path\): /, bad);
    }
  });
});
