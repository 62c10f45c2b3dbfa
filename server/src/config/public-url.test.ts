import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import type os from 'node:os';
import { banner } from '../banner.js';
import { loadConfig } from './load.js';
import { isLoopbackHost, localPublicUrl } from './public-url.js';

type Ifaces = ReturnType<typeof os.networkInterfaces>;
const iface = (address: string, family: 'IPv4' | 'IPv6', internal: boolean) => ({ address, family, internal, netmask: '', mac: '', cidr: null }) as never;
const LAN: Ifaces = { lo: [iface('127.0.0.1', 'IPv4', true), iface('::1', 'IPv6', true)], eth0: [iface('fe80::1', 'IPv6', false), iface('192.168.1.10', 'IPv4', false)] };
const LOOPBACK_ONLY: Ifaces = { lo: [iface('127.0.0.1', 'IPv4', true)] };

describe('PUBLIC_URL left at localhost', () => {
  test('loopback names are recognised', () => {
    for (const h of ['localhost', 'LOCALHOST', 'app.localhost', '127.0.0.1', '127.1.2.3', '[::1]']) assert.equal(isLoopbackHost(h), true, h);
    for (const h of ['iglesia.cl', '192.168.1.10', 'localhost.iglesia.cl', '[2001:db8::1]']) assert.equal(isLoopbackHost(h), false, h);
  });

  test('the default localhost while the machine is reachable is reported, with its address as a suggestion', () => {
    assert.deepEqual(localPublicUrl('http://localhost:8080', 8080, LAN), { suggestion: 'http://192.168.1.10:8080' });
    assert.equal(localPublicUrl('https://iglesia.cl', 8080, LAN), null);
    assert.equal(localPublicUrl('http://localhost:8080', 8080, LOOPBACK_ONLY), null, 'nobody else can reach it anyway');
  });

  test('the start banner says so, in Spanish and English', () => {
    const text = banner(loadConfig({}), ['k'], undefined, LAN);
    assert.match(text, /PUBLIC_URL es http:\/\/localhost:8080: los enlaces y la app antigua \(stream_url\)/);
    assert.match(text, /PUBLIC_URL is http:\/\/localhost:8080: links and the old frontend's stream_url/);
    assert.match(text, /PUBLIC_URL=http:\/\/192\.168\.1\.10:8080/);
    assert.doesNotMatch(banner(loadConfig({ PUBLIC_URL: 'https://iglesia.cl' }), ['k'], undefined, LAN), /PUBLIC_URL/);
  });
});
