/**
 * The load balancer example (deploy/load-balancer/casadelpadre-lb.conf): nginx accepts it once its
 * addresses are filled, it keeps no sticky sessions, upgrades both sockets, and sends to the origin every
 * admin route a web instance refuses as the origin's (so adding an origin-only route without the balancer
 * fails here). The topology test runs it for real.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { ORIGIN_ONLY_PREFIXES } from '../../server/src/http/routes/admin.js';
import { LB_EXAMPLE, renderExample } from '../helpers/load-balancer.js';

const example = readFileSync(LB_EXAMPLE, 'utf8');
/** The location blocks that send to `upstream`, as their match expressions. */
const locationsTo = (upstream: string) =>
  [...example.matchAll(/location ([^{]+)\{([^}]*)\}/g)].filter((m) => m[2]!.includes(`proxy_pass http://${upstream};`)).map((m) => m[1]!.trim());

describe('the load balancer example', () => {
  test('nginx -t accepts it with real addresses', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'cdp-lb-check-'));
    try {
      for (const d of ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) mkdirSync(path.join(dir, d));
      writeFileSync(path.join(dir, 'lb.conf'), renderExample(example, { web: [18081, 18082], origin: 18080 }, 18000));
      const temps = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((d) => `${d}_temp_path ${dir}/${d};`).join(' ');
      writeFileSync(path.join(dir, 'nginx.conf'), `pid ${dir}/nginx.pid; error_log ${dir}/error.log; events {} http { ${temps} include ${dir}/lb.conf; }`);
      execFileSync('nginx', ['-t', '-q', '-p', dir, '-c', path.join(dir, 'nginx.conf')], { stdio: 'pipe' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('no sticky sessions: plain round robin over the web instances, with passive checks', () => {
    const upstream = /upstream cdp_web \{([^}]*)\}/.exec(example)?.[1] ?? '';
    assert.doesNotMatch(upstream, /\b(ip_hash|hash|sticky|least_conn)\b/);
    for (const line of upstream.split('\n').filter((l) => l.trim().startsWith('server '))) assert.match(line, /max_fails=\d+ fail_timeout=\d+s/);
  });

  test('both sockets are upgraded', () => {
    const sockets = [...example.matchAll(/location ([^{]+)\{([^}]*)\}/g)].find((m) => m[1]!.includes('ws|v1/websocket'));
    assert.ok(sockets, 'a location for /ws and /v1/websocket');
    assert.match(sockets[2]!, /proxy_set_header Upgrade \$http_upgrade;/);
    assert.match(sockets[2]!, /proxy_set_header Connection \$cdp_connection_upgrade;/);
    assert.match(sockets[2]!, /proxy_pass http:\/\/cdp_web;/);
  });

  test("every route a web instance leaves to the origin goes to the origin", () => {
    const toOrigin = locationsTo('cdp_origin');
    const admin = toOrigin.find((l) => l.includes('/api/v1/admin/'));
    assert.ok(admin, 'an admin location to the origin');
    const pattern = new RegExp(admin.replace(/^~\s*/, ''));
    for (const prefix of [...ORIGIN_ONLY_PREFIXES, '/stream-keys', '/stream-keys/rotate', '/stream-sessions', '/site']) {
      assert.match(`/api/v1/admin${prefix}`, pattern, prefix);
    }
    for (const open of ['/login', '/session', '/logout', '/chat/messages', '/overview']) assert.doesNotMatch(`/api/v1/admin${open}`, pattern, open);
    const publicOrigin = toOrigin.map((l) => new RegExp(l.replace(/^=?\s*~?\s*/, '')));
    for (const url of ['/api/v1/recordings', '/api/v1/podcast.xml', '/podcast.xml', '/archivo/20261129-abcdef12']) assert.ok(publicOrigin.some((r) => r.test(url)), url);
    assert.deepEqual(locationsTo('cdp_video'), ['/video/']);
  });
});
