import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig } from './load.js';
import { ConfigSchema, DEFAULT_LADDER } from './schema.js';

let dir: string;
before(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'cdp-config-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** Writes a config file in the temp dir and returns its name (relative to the temp dir). */
function configFile(name: string, content: unknown): string {
  writeFileSync(path.join(dir, name), typeof content === 'string' ? content : JSON.stringify(content));
  return name;
}

/** The ConfigError thrown by loadConfig, or a failed assertion when it does not throw one. */
function configError(env: NodeJS.ProcessEnv): ConfigError {
  try {
    loadConfig(env, dir);
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected a ConfigError, got ${String(err)}`);
    assert.equal(err.code, 'CONFIG_INVALID');
    return err;
  }
  assert.fail('loadConfig accepted an invalid configuration');
}

describe('loadConfig defaults', () => {
  test('with no environment and no file the documented defaults apply', () => {
    const c = loadConfig({}, dir);
    assert.equal(c.httpPort, 8080);
    assert.equal(c.rtmpPort, 1935);
    assert.equal(c.internalPort, 8090);
    assert.equal(c.nginxStatPort, 8091);
    assert.equal(c.streamName, 'envivo');
    assert.equal(c.publicUrl, 'http://localhost:8080');
    assert.equal(c.graceSeconds, 10);
    assert.equal(c.logLevel, 'info');
    assert.equal(c.streamKey, undefined);
    assert.equal(c.adminPassword, undefined);
    assert.equal(c.redisUrl, undefined);
    assert.deepEqual(c.hls, { fragmentSeconds: 2, playlistFragments: 6 });
    assert.deepEqual(c.transcoder, { enabled: true, preset: 'veryfast', threads: 0 });
    assert.deepEqual(c.ladder, DEFAULT_LADDER);
  });

  test('the data and web folders are resolved to absolute paths against the working directory', () => {
    const c = loadConfig({}, dir);
    assert.equal(c.dataDir, path.join(dir, 'data'));
    assert.ok(path.isAbsolute(c.dataDir));
    assert.equal(c.webRoot, path.join(dir, 'web', 'dist'));
    assert.equal(loadConfig({ DATA_DIR: '/var/lib/cdp' }, dir).dataDir, '/var/lib/cdp');
  });

  test('the public URL follows HTTP_PORT when it is not set', () => {
    assert.equal(loadConfig({ HTTP_PORT: '9000' }, dir).publicUrl, 'http://localhost:9000');
  });

  test('a PUBLIC_URL with a trailing slash is stored without it', () => {
    assert.equal(loadConfig({ PUBLIC_URL: 'https://iglesia.cl/' }, dir).publicUrl, 'https://iglesia.cl');
  });

  test('an empty environment variable counts as unset', () => {
    const c = loadConfig({ HTTP_PORT: '', STREAM_NAME: '' }, dir);
    assert.equal(c.httpPort, 8080);
    assert.equal(c.streamName, 'envivo');
  });

  test('the ladder ships with mid 480p, low 360p and an audio-only rung', () => {
    assert.deepEqual(
      DEFAULT_LADDER.map((r) => [r.id, r.suffix, r.height, r.videoKbps, r.audioKbps]),
      [
        ['mid', '_mid', 480, 1400, 128],
        ['low', '_low', 360, 400, 64],
        ['audio', '_audio', undefined, undefined, 96],
      ],
    );
  });
});

describe('loadConfig with CONFIG_FILE', () => {
  test('values from the JSON file are used', () => {
    const file = configFile('file-only.json', { httpPort: 9001, streamName: 'culto', hls: { fragmentSeconds: 4 } });
    const c = loadConfig({ CONFIG_FILE: file }, dir);
    assert.equal(c.httpPort, 9001);
    assert.equal(c.streamName, 'culto');
    assert.equal(c.hls.fragmentSeconds, 4);
    assert.equal(c.hls.playlistFragments, 6);
    assert.equal(c.publicUrl, 'http://localhost:9001');
  });

  test('the environment wins over the file', () => {
    const file = configFile('env-wins.json', { httpPort: 9001, rtmpPort: 1940, streamName: 'culto' });
    const c = loadConfig({ CONFIG_FILE: file, HTTP_PORT: '9100', STREAM_NAME: 'misa' }, dir);
    assert.equal(c.httpPort, 9100);
    assert.equal(c.streamName, 'misa');
    assert.equal(c.rtmpPort, 1940, 'a field the env does not set still comes from the file');
  });

  test('an absolute CONFIG_FILE path is read as is', () => {
    const file = configFile('absolute.json', { rtmpPort: 1999 });
    assert.equal(loadConfig({ CONFIG_FILE: path.join(dir, file) }, '/').rtmpPort, 1999);
  });

  test('an unknown field in the file is named', () => {
    const err = configError({ CONFIG_FILE: configFile('unknown.json', { httpPort: 9000, colour: 'blue' }) });
    assert.equal(err.problems.length, 1);
    assert.match(err.problems[0]!, /campo desconocido: colour/);
    assert.match(err.message, /colour/);
  });

  test('a misspelled field inside a nested section (transcoder.enable) is named, not silently ignored', () => {
    const err = configError({ CONFIG_FILE: configFile('nested-typo.json', { transcoder: { enable: false } }) });
    assert.ok(err.problems.some((p) => p.includes('transcoder') && p.includes('enable')), err.problems.join('\n'));
  });

  test('simulcast destinations are read from the file; a bad URL or key is named without showing the key', () => {
    const ok = loadConfig({ CONFIG_FILE: configFile('simulcast.json', { simulcast: [{ name: 'YouTube', url: 'rtmps://a.rtmps.youtube.com:443/live2', key: 'abcd-efgh-ijkl' }] }) }, dir);
    assert.deepEqual(ok.simulcast, [{ name: 'YouTube', url: 'rtmps://a.rtmps.youtube.com:443/live2', key: 'abcd-efgh-ijkl', enabled: true }]);
    const err = configError({ CONFIG_FILE: configFile('simulcast-bad.json', { simulcast: [{ name: 'X', url: 'http://x/live', key: 'con espacio secreta' }] }) });
    assert.ok(err.problems.some((p) => p.includes('simulcast.0.url')), err.problems.join('\n'));
    assert.ok(err.problems.some((p) => p.includes('simulcast.0.key')), err.problems.join('\n'));
    assert.doesNotMatch(err.message, /con espacio secreta/);
  });

  test('a file that cannot be read gives a message with its name and the reason', () => {
    const err = configError({ CONFIG_FILE: 'does-not-exist.json' });
    assert.deepEqual(err.problems, ['CONFIG_FILE: no se pudo leer does-not-exist.json (ENOENT)']);
  });

  test('a file that is not JSON gives a message naming the file', () => {
    const err = configError({ CONFIG_FILE: configFile('broken.json', '{ "httpPort": 80,, }') });
    assert.equal(err.problems.length, 1);
    assert.match(err.problems[0]!, /^CONFIG_FILE: broken\.json no es JSON válido \(/);
  });

  test('a JSON file whose top level is not an object is refused', () => {
    for (const content of ['[1, 2]', '"text"', 'null', '42']) {
      const err = configError({ CONFIG_FILE: configFile('not-object.json', content) });
      assert.deepEqual(err.problems, ['CONFIG_FILE: not-object.json no es JSON válido (no es un objeto)'], content);
    }
  });

  test('an invalid value in the file names the field but not an env var', () => {
    const err = configError({ CONFIG_FILE: configFile('bad-port.json', { rtmpPort: 0 }) });
    assert.deepEqual(err.problems, ['rtmpPort: debe estar entre 1 y 65535']);
  });

  test('a malformed file with an unquoted password does not echo part of it in the error', () => {
    const secret = 'hunter2hunter2hunter2';
    const err = configError({ CONFIG_FILE: configFile('unquoted-secret.json', `{"adminPassword": ${secret}}`) });
    assert.match(err.problems[0]!, /^CONFIG_FILE: unquoted-secret\.json no es JSON válido/);
    assert.ok(!err.message.includes(secret.slice(0, 6)), err.message);
  });
});

describe('loadConfig validation names the variable and the field', () => {
  test('HTTP_PORT=abc is refused with a problem that starts with "HTTP_PORT (httpPort)" and shows the value', () => {
    const err = configError({ HTTP_PORT: 'abc' });
    assert.equal(err.problems.length, 1);
    assert.ok(err.problems[0]!.startsWith('HTTP_PORT (httpPort): '), err.problems[0]);
    assert.ok(err.problems[0]!.endsWith(' — recibido "abc"'), err.problems[0]);
    assert.ok(err.message.includes(err.problems[0]!));
  });

  test('a port out of range is refused with the allowed range', () => {
    assert.deepEqual(configError({ RTMP_PORT: '70000' }).problems, ['RTMP_PORT (rtmpPort): debe estar entre 1 y 65535 — recibido "70000"']);
    assert.deepEqual(configError({ HTTP_PORT: '0' }).problems, ['HTTP_PORT (httpPort): debe estar entre 1 y 65535 — recibido "0"']);
  });

  test('a fractional port is refused', () => {
    assert.deepEqual(configError({ INTERNAL_PORT: '80.5' }).problems, ['INTERNAL_PORT (internalPort): debe ser un número entero — recibido "80.5"']);
  });

  test('every invalid variable is reported, not only the first', () => {
    const err = configError({ HTTP_PORT: 'abc', STREAM_NAME: 'Bad_Name', REDIS_URL: 'http://x' });
    assert.equal(err.problems.length, 3);
    assert.ok(err.problems.some((p) => p.startsWith('HTTP_PORT (httpPort): ')));
    assert.ok(err.problems.some((p) => p.startsWith('STREAM_NAME (streamName): ') && p.includes('"Bad_Name"')));
    assert.ok(err.problems.some((p) => p.startsWith('REDIS_URL (redisUrl): debe empezar con redis://')));
  });

  test('a stream name with "_" is refused (reserved for the renditions)', () => {
    const [problem] = configError({ STREAM_NAME: 'en_vivo' }).problems;
    assert.match(problem!, /^STREAM_NAME \(streamName\): .*sin "_"/);
  });

  test('an invalid STREAM_KEY is refused without echoing it back', () => {
    const key = 'my secret key!';
    const err = configError({ STREAM_KEY: key });
    assert.deepEqual(err.problems, ['STREAM_KEY (streamKey): debe tener 16 a 128 caracteres: letras, dígitos, "-" o "_"']);
    assert.ok(!err.message.includes(key));
    assert.ok(!err.message.includes('recibido'));
  });

  test('an invalid ADMIN_PASSWORD is refused without echoing it back', () => {
    const short = configError({ ADMIN_PASSWORD: 'abc1234' });
    assert.deepEqual(short.problems, ['ADMIN_PASSWORD (adminPassword): debe tener al menos 8 caracteres']);
    assert.ok(!short.message.includes('abc1234'));
    const long = 'p'.repeat(257);
    const tooLong = configError({ ADMIN_PASSWORD: long });
    assert.equal(tooLong.problems.length, 1);
    assert.ok(tooLong.problems[0]!.startsWith('ADMIN_PASSWORD (adminPassword): '));
    assert.ok(!tooLong.message.includes('pppppppp'));
  });

  test('an invalid SESSION_SECRET is refused without echoing it back', () => {
    const err = configError({ SESSION_SECRET: 'too-short-session-secret' });
    assert.deepEqual(err.problems, ['SESSION_SECRET (sessionSecret): debe tener al menos 32 caracteres']);
    assert.ok(!err.message.includes('too-short-session-secret'));
  });

  test('an invalid REDIS_URL is refused without echoing the password it carries', () => {
    const err = configError({ REDIS_URL: 'redis//:hunter2hunter2@db.local:6379' });
    assert.equal(err.problems.length, 1);
    assert.ok(err.problems[0]!.startsWith('REDIS_URL (redisUrl): '), err.problems[0]);
    assert.ok(!err.message.includes('hunter2hunter2'), err.message);
  });

  test('invalid secrets in the file are not echoed back either', () => {
    const err = configError({ CONFIG_FILE: configFile('bad-secrets.json', { streamKey: 'has spaces in it!!', adminPassword: 'tiny' }) });
    assert.deepEqual(err.problems, ['streamKey: debe tener 16 a 128 caracteres: letras, dígitos, "-" o "_"', 'adminPassword: debe tener al menos 8 caracteres']);
    assert.ok(!err.message.includes('has spaces in it!!'));
    assert.ok(!err.message.includes('tiny'));
  });

  test('a valid STREAM_KEY and ADMIN_PASSWORD are accepted', () => {
    const c = loadConfig({ STREAM_KEY: 'abcdefghij_KLMNOP-123', ADMIN_PASSWORD: 'correct horse' }, dir);
    assert.equal(c.streamKey, 'abcdefghij_KLMNOP-123');
    assert.equal(c.adminPassword, 'correct horse');
  });

  test('GRACE_SECONDS is read as a number and bounded', () => {
    assert.equal(loadConfig({ GRACE_SECONDS: '4' }, dir).graceSeconds, 4);
    assert.match(configError({ GRACE_SECONDS: '301' }).problems[0]!, /^GRACE_SECONDS \(graceSeconds\): /);
  });
});

describe('ladder validation', () => {
  const rung = (over: Record<string, unknown>) => ({ id: 'mid', suffix: '_mid', label: 'Media', width: 854, height: 480, videoKbps: 1400, audioKbps: 128, ...over });

  test('two rungs with the same id are refused', () => {
    const err = configError({ CONFIG_FILE: configFile('dup-id.json', { ladder: [rung({}), rung({ suffix: '_other' })] }) });
    assert.deepEqual(err.problems, ['ladder: cada calidad necesita un id y un sufijo distintos']);
  });

  test('two rungs with the same suffix are refused', () => {
    const err = configError({ CONFIG_FILE: configFile('dup-suffix.json', { ladder: [rung({}), rung({ id: 'other' })] }) });
    assert.deepEqual(err.problems, ['ladder: cada calidad necesita un id y un sufijo distintos']);
  });

  test('the id "source" is reserved for the original quality', () => {
    const err = configError({ CONFIG_FILE: configFile('source.json', { ladder: [rung({ id: 'source', suffix: '_src' })] }) });
    assert.deepEqual(err.problems, ['ladder: "source" está reservado para la calidad original']);
  });

  test('a width without a height is refused, naming the rung', () => {
    const err = configError({ CONFIG_FILE: configFile('no-height.json', { ladder: [rung({ height: undefined })] }) });
    assert.deepEqual(err.problems, ['ladder.0: width, height y videoKbps van juntos (todos para video, ninguno para solo audio)']);
  });

  test('a video rung without a bitrate is refused', () => {
    const err = configError({ CONFIG_FILE: configFile('no-kbps.json', { ladder: [rung({}), rung({ id: 'low', suffix: '_low', videoKbps: undefined })] }) });
    assert.deepEqual(err.problems, ['ladder.1: width, height y videoKbps van juntos (todos para video, ninguno para solo audio)']);
  });

  test('a suffix without the leading "_" is refused, naming the field', () => {
    const err = configError({ CONFIG_FILE: configFile('bad-suffix.json', { ladder: [rung({ suffix: 'mid' })] }) });
    assert.equal(err.problems.length, 1);
    assert.match(err.problems[0]!, /^ladder\.0\.suffix: debe empezar con "_"/);
  });

  test('an audio-only rung and an empty ladder are valid', () => {
    const audio = { id: 'audio', suffix: '_audio', label: 'Solo audio', audioKbps: 96 };
    assert.deepEqual(loadConfig({ CONFIG_FILE: configFile('audio.json', { ladder: [audio] }) }, dir).ladder, [audio]);
    assert.deepEqual(loadConfig({ CONFIG_FILE: configFile('empty.json', { ladder: [] }) }, dir).ladder, []);
  });

  test('more than six rungs are refused', () => {
    const ladder = Array.from({ length: 7 }, (_, i) => rung({ id: `r${i}`, suffix: `_r${i}` }));
    const result = ConfigSchema.safeParse({ ladder });
    assert.equal(result.success, false);
    assert.deepEqual(result.error?.issues.map((i) => i.path.join('.')), ['ladder']);
  });
});

describe('ROLE', () => {
  test('one machine by default; origin and web with REDIS_URL', () => {
    assert.equal(loadConfig({}, dir).role, 'all');
    const shared = { REDIS_URL: 'redis://127.0.0.1:6379', ADMIN_PASSWORD: 'the same everywhere' };
    assert.equal(loadConfig({ ROLE: 'web', ...shared }, dir).role, 'web');
    assert.equal(loadConfig({ ROLE: 'origin', ...shared }, dir).role, 'origin');
  });

  test('a web or origin instance without REDIS_URL is refused, naming ROLE and REDIS_URL', () => {
    for (const role of ['web', 'origin']) {
      const [problem] = configError({ ROLE: role, ADMIN_PASSWORD: 'the same everywhere' }).problems;
      assert.match(problem!, /^ROLE \(role\): .*REDIS_URL/);
    }
  });

  test('a web or origin instance without ADMIN_PASSWORD is refused (a generated one differs per instance)', () => {
    const [problem] = configError({ ROLE: 'web', REDIS_URL: 'redis://127.0.0.1:6379' }).problems;
    assert.match(problem!, /^ROLE \(role\): .*ADMIN_PASSWORD/);
  });

  test('an unknown role is refused with what was received', () => {
    const [problem] = configError({ ROLE: 'edge', REDIS_URL: 'redis://127.0.0.1:6379' }).problems;
    assert.match(problem!, /^ROLE \(role\): .*recibido "edge"/);
  });
});

describe('TRUSTED_PROXIES', () => {
  test('addresses and ranges, comma-separated; none by default', () => {
    assert.deepEqual(loadConfig({}, dir).trustedProxies, []);
    assert.deepEqual(loadConfig({ TRUSTED_PROXIES: '10.0.0.5, 10.0.1.0/24,::1' }, dir).trustedProxies, ['10.0.0.5', '10.0.1.0/24', '::1']);
  });

  test('anything else is refused, naming the variable', () => {
    const [problem] = configError({ TRUSTED_PROXIES: '10.0.0.5;evil' }).problems;
    assert.match(problem!, /^TRUSTED_PROXIES \(trustedProxies(\.0)?\): .*IP/);
  });
});
