import assert from 'node:assert/strict';
import { test } from 'node:test';
import { banner } from './banner.js';
import { loadConfig } from './config/load.js';

const config = (env: Record<string, string>) => loadConfig({ DATA_DIR: '/tmp/cdp-banner', ...env }, '/tmp');

test('the banner says so when a certificate is configured but PUBLIC_URL is plain http', () => {
  const tls = { TLS_CERT_FILE: '/etc/ssl/c.pem', TLS_KEY_FILE: '/etc/ssl/k.pem' };
  const mismatch = banner(config(tls), []);
  assert.match(mismatch, /Hay un certificado TLS pero PUBLIC_URL es http \(http:\/\/localhost:8080\)/);
  assert.match(mismatch, /A TLS certificate is configured but PUBLIC_URL is http/);
  assert.doesNotMatch(banner(config({ ...tls, PUBLIC_URL: 'https://iglesia.cl' }), []), /Hay un certificado TLS/);
  assert.doesNotMatch(banner(config({}), []), /Hay un certificado TLS/);
});
