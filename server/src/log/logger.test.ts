import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { createLogger } from './logger.js';
import { Redactor } from './redactor.js';

const STREAM_KEY = 'Kx9_secretStreamKey-0123456789';
const PASSWORD = 'correct horse battery staple';

/** A logger writing into an array, with the stream key and password known to its redactor. */
function capture(level = 'debug') {
  const lines: string[] = [];
  const redactor = new Redactor();
  redactor.add(STREAM_KEY);
  redactor.add(PASSWORD);
  const logger = createLogger(level, redactor, { write: (line: string) => void lines.push(line) });
  const text = () => lines.join('');
  const records = () => lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  return { logger, lines, text, records, redactor };
}

describe('Redactor', () => {
  test('every occurrence of a known secret is replaced', () => {
    const r = new Redactor();
    r.add('s3cr3t-value');
    assert.equal(r.redact('a s3cr3t-value b s3cr3t-value'), 'a [REDACTED] b [REDACTED]');
  });

  test('text without secrets, or with no secret registered, is unchanged', () => {
    const r = new Redactor();
    assert.equal(r.redact('plain text'), 'plain text');
    r.add('s3cr3t-value');
    assert.equal(r.redact('plain text'), 'plain text');
  });

  test('several secrets are all removed, the longest first when one contains another', () => {
    const r = new Redactor();
    r.add('abcdef');
    r.add('abcdef123456');
    r.add('zzzzzz');
    assert.equal(r.redact('abcdef123456 abcdef zzzzzz'), '[REDACTED] [REDACTED] [REDACTED]');
  });

  test('secrets with regular-expression characters are matched literally', () => {
    const r = new Redactor();
    r.add('a.b*c+d?(e)[f]');
    assert.equal(r.redact('x a.b*c+d?(e)[f] y'), 'x [REDACTED] y');
    assert.equal(r.redact('aXbbbcdde'), 'aXbbbcdde');
  });

  test('empty, missing and very short values are not treated as secrets', () => {
    const r = new Redactor();
    r.add(undefined);
    r.add('');
    r.add('abc');
    assert.equal(r.redact('abc and more'), 'abc and more');
  });

  test('adding the same secret twice is harmless', () => {
    const r = new Redactor();
    r.add('repeated-secret');
    r.add('repeated-secret');
    assert.equal(r.redact('repeated-secret'), '[REDACTED]');
  });
});

describe('createLogger', () => {
  test('writes one JSON line per event with level, time, service and message', () => {
    const { logger, lines, records } = capture();
    logger.info({ event: 'started', stream: 'envivo' }, 'hello');
    assert.equal(lines.length, 1);
    assert.ok(lines[0]!.endsWith('\n'));
    const [r] = records();
    assert.equal(r!.level, 30);
    assert.equal(r!.service, 'casadelpadre');
    assert.equal(r!.event, 'started');
    assert.equal(r!.stream, 'envivo');
    assert.equal(r!.msg, 'hello');
    assert.match(String(r!.time), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  test('the level filters events', () => {
    const { logger, lines } = capture('warn');
    logger.info('not shown');
    logger.warn('shown');
    assert.equal(lines.length, 1);
  });

  test('a known stream key in the message never reaches the output', () => {
    const { logger, text } = capture();
    logger.info(`publisher connected with ${STREAM_KEY}`);
    assert.ok(!text().includes(STREAM_KEY));
    assert.ok(text().includes('publisher connected with [REDACTED]'));
  });

  test('a known secret in a nested field, a URL or an error never reaches the output', () => {
    const { logger, text } = capture();
    logger.info({ req: { url: `/v1/streaming/on?name=${STREAM_KEY}`, body: { deep: { deeper: PASSWORD } } } }, 'callback');
    logger.error({ err: new Error(`ffmpeg failed for rtmp://127.0.0.1/live/${STREAM_KEY}`) }, 'failed');
    logger.child({ component: 'transcoder', input: `rtmp://x/live/${STREAM_KEY}` }).warn('child line');
    const out = text();
    assert.ok(!out.includes(STREAM_KEY), out);
    assert.ok(!out.includes(PASSWORD), out);
    assert.equal(out.split('\n').filter(Boolean).length, 3);
    assert.ok(out.includes('/v1/streaming/on?name=[REDACTED]'));
  });

  test('key, streamKey and password fields are censored even when the value was never registered', () => {
    const { logger, records, text } = capture();
    logger.info({ key: 'unregistered-key-1', streamKey: 'unregistered-key-2', password: 'unregistered-pw-3', admin: { password: 'unregistered-pw-4', key: 'unregistered-key-5' } }, 'fields');
    const [r] = records();
    assert.equal(r!.key, '[REDACTED]');
    assert.equal(r!.streamKey, '[REDACTED]');
    assert.equal(r!.password, '[REDACTED]');
    assert.deepEqual(r!.admin, { password: '[REDACTED]', key: '[REDACTED]' });
    assert.ok(!/unregistered/.test(text()));
  });

  test('a secret registered after the logger was created is redacted too', () => {
    const { logger, text, redactor } = capture();
    const rotated = 'newly-rotated-key-abcdef';
    redactor.add(rotated);
    logger.info({ note: rotated }, 'rotated');
    assert.ok(!text().includes(rotated));
  });

  test('a password with quotes or backslashes is redacted from JSON log lines too', () => {
    const { logger, records, redactor } = capture();
    const tricky = 'pa"ss\\word-with-quote';
    redactor.add(tricky);
    logger.info({ note: `login attempt ${tricky}` }, 'login');
    const [r] = records();
    assert.ok(!String(r!.note).includes(tricky), `leaked: ${String(r!.note)}`);
  });
});
