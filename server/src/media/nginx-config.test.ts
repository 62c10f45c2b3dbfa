import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { nginxPaths, renderNginxConfig, type NginxModel } from './nginx-config.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const NGINX = '/usr/sbin/nginx';
const RTMP_MODULE = '/usr/lib/nginx/modules/ngx_rtmp_module.so';
const TOKEN = 'cbtoken_0123456789abcdefABCDEF';

/** Compares with a committed snapshot; UPDATE_SNAPSHOTS=1 rewrites it instead. */
function matchSnapshot(name: string, actual: string): void {
  const file = path.join(here, '__snapshots__', name);
  if (process.env.UPDATE_SNAPSHOTS === '1') {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, actual);
    return;
  }
  assert.ok(existsSync(file), `missing snapshot ${file}; run with UPDATE_SNAPSHOTS=1 to create it`);
  assert.equal(actual, readFileSync(file, 'utf8'), `${name} changed; if intended, run with UPDATE_SNAPSHOTS=1 and review the diff`);
}

const model = (over: Partial<NginxModel> = {}): NginxModel => ({
  prefix: '/srv/cdp/data/nginx',
  rtmpModule: RTMP_MODULE,
  httpPort: 8080,
  rtmpPort: 1935,
  statPort: 8091,
  internalPort: 8090,
  hlsRoot: '/srv/cdp/data/media/hls',
  masterRoot: '/srv/cdp/data/media/master',
  webRoot: '/srv/cdp/web/dist',
  pageRoot: '/srv/cdp/data/www',
  callbackToken: TOKEN,
  fragmentSeconds: 2,
  playlistSeconds: 12,
  ...over,
});

/** The text of the block that starts at the line matching `opener` (up to its closing brace). */
function block(conf: string, opener: RegExp): string {
  const start = conf.search(opener);
  assert.ok(start >= 0, `no block ${opener}`);
  let depth = 0;
  for (let i = conf.indexOf('{', start); i < conf.length; i++) {
    if (conf[i] === '{') depth++;
    else if (conf[i] === '}' && --depth === 0) return conf.slice(start, i + 1);
  }
  assert.fail(`unterminated block ${opener}`);
}

/** Directive lines of a block, trimmed, without comments. */
const lines = (text: string) =>
  text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));

interface Location {
  modifier: string;
  pattern: string;
  body: string;
}

/** The locations directly inside a server block (not nested ones), in order. */
function topLevelLocations(server: string): Location[] {
  const out: Location[] = [];
  let depth = 0;
  let offset = 0;
  for (const line of server.split('\n')) {
    const m = /^\s*location\s+(=|~\*|~|\^~)?\s*("[^"]+"|[^\s{]+)\s*\{/.exec(line);
    if (m && depth === 1) out.push({ modifier: m[1] ?? '', pattern: m[2]!.replace(/^"|"$/g, ''), body: block(server.slice(offset), /location/) });
    for (const ch of line.replace(/"[^"]*"|'[^']*'/g, '')) depth += ch === '{' ? 1 : ch === '}' ? -1 : 0;
    offset += line.length + 1;
  }
  return out;
}

/** Which top-level location nginx picks for a URI: exact, then regexes in order, then the longest prefix. */
function selectLocation(server: string, uri: string): Location | undefined {
  const locs = topLevelLocations(server);
  const exact = locs.find((l) => l.modifier === '=' && l.pattern === uri);
  if (exact) return exact;
  const prefixes = locs.filter((l) => (l.modifier === '' || l.modifier === '^~') && uri.startsWith(l.pattern)).sort((a, b) => b.pattern.length - a.pattern.length);
  if (prefixes[0]?.modifier === '^~') return prefixes[0];
  const regex = locs.find((l) => (l.modifier === '~' || l.modifier === '~*') && new RegExp(l.pattern, l.modifier === '~*' ? 'i' : '').test(uri));
  return regex ?? prefixes[0];
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

describe('renderNginxConfig', () => {
  test('the generated nginx.conf matches the committed snapshot', () => {
    matchSnapshot('nginx.conf.snap', renderNginxConfig(model()));
  });

  test('the same model always renders the same file', () => {
    assert.equal(renderNginxConfig(model()), renderNginxConfig(model()));
  });

  test('nobody but this machine can publish into or play from the internal hls application', () => {
    const hls = lines(block(renderNginxConfig(model()), /application hls \{/));
    const publishRules = hls.filter((l) => /^(allow|deny) publish /.test(l));
    const playRules = hls.filter((l) => /^(allow|deny) play /.test(l));
    assert.deepEqual(publishRules, ['allow publish 127.0.0.1;', 'deny publish all;']);
    assert.deepEqual(playRules, ['allow play 127.0.0.1;', 'deny play all;']);
  });

  test('RTMP playback of the ingest application (the raw source) is loopback only', () => {
    const live = lines(block(renderNginxConfig(model()), /application live \{/));
    const allow = live.indexOf('allow play 127.0.0.1;');
    const deny = live.indexOf('deny play all;');
    assert.ok(allow >= 0, 'allow play 127.0.0.1 missing');
    assert.ok(deny > allow, 'deny play all must come after allow play 127.0.0.1 (nginx-rtmp applies the first match)');
    assert.ok(!live.some((l) => /^(allow|deny) publish/.test(l)), 'OBS publishes from anywhere: the key decides');
    assert.ok(live.includes('push rtmp://127.0.0.1:1935/hls;'));
  });

  test('both applications call the internal listener with the shared token', () => {
    const conf = renderNginxConfig(model());
    for (const app of ['live', 'hls']) {
      const l = lines(block(conf, new RegExp(`application ${app} \\{`)));
      assert.ok(l.includes(`on_publish http://127.0.0.1:8090/v1/streaming/on?token=${TOKEN};`), `${app} on_publish`);
      assert.ok(l.includes(`on_publish_done http://127.0.0.1:8090/v1/streaming/off?token=${TOKEN};`), `${app} on_publish_done`);
    }
    assert.equal(conf.match(/on_publish(_done)? /g)?.length, 4);
    assert.ok(!/on_publish(_done)? (?!http:\/\/127\.0\.0\.1:)/.test(conf), 'callbacks go to loopback only');
  });

  test('the RTMP access log never records the stream name (the key) or query arguments', () => {
    const conf = renderNginxConfig(model());
    const rtmp = block(conf, /^rtmp \{/m);
    const format = rtmp.match(/log_format (\S+) '([^']*)';/);
    assert.ok(format, 'rtmp log_format missing');
    assert.ok(!format[2]!.includes('$name'), format[2]);
    assert.ok(!format[2]!.includes('$args'), format[2]);
    assert.ok(!format[2]!.includes('$tcurl'), format[2]);
    assert.ok(!format[2]!.includes('$pageurl'), format[2]);
    const access = lines(rtmp).filter((l) => l.startsWith('access_log'));
    assert.deepEqual(access, [`access_log /srv/cdp/data/nginx/logs/rtmp-access.log ${format[1]};`], 'the only rtmp access log uses the safe format');
  });

  test('the HTTP access log records the path without the query string', () => {
    const http = block(renderNginxConfig(model()), /^http \{/m);
    const format = http.match(/log_format main '([^']*)';/)?.[1];
    assert.ok(format);
    assert.ok(format.includes('$uri'));
    assert.ok(!/\$request(?!_)|\$request_uri|\$args|\$query_string/.test(format), format);
  });

  test('the callback paths answer 404 on the public HTTP server, however they are written', () => {
    const publicServer = block(renderNginxConfig(model()), /server \{\s*listen 8080 default_server;/);
    for (const uri of ['/v1/streaming/on', '/v1/streaming/off', '/v1/streaming/on/', '/v1/streaming/off/x']) {
      const loc = selectLocation(publicServer, uri);
      assert.ok(loc, `no location for ${uri}`);
      assert.ok(lines(loc.body).includes('return 404;'), `${uri} is served by ${loc.modifier} ${loc.pattern}`);
      assert.ok(!loc.body.includes('proxy_pass'), `${uri} is proxied`);
    }
  });

  test('the public server proxies the API to the service, and the legacy /v1/streaming/online is not mistaken for a callback', () => {
    const publicServer = block(renderNginxConfig(model()), /server \{\s*listen 8080 default_server;/);
    for (const uri of ['/api/v1/status', '/readyz', '/healthz', '/ws']) {
      assert.match(selectLocation(publicServer, uri)?.body ?? '', /proxy_pass http:\/\/service;/, uri);
    }
    assert.ok(!lines(selectLocation(publicServer, '/v1/streaming/online')?.body ?? '').includes('return 404;'));
    assert.ok(!(selectLocation(publicServer, '/stat')?.body ?? '').includes('rtmp_stat'), '/stat is not on the public port');
  });

  test('/stat is served only on a loopback listener', () => {
    const conf = renderNginxConfig(model());
    assert.equal(conf.match(/rtmp_stat /g)?.length, 1);
    const statServer = block(conf, /server \{\s*listen 127\.0\.0\.1:8091;/);
    assert.ok(statServer.includes('rtmp_stat all;'));
    const listens = lines(conf).filter((l) => l.startsWith('listen '));
    assert.deepEqual(listens, ['listen 1935;', 'listen 127.0.0.1:8091;', 'listen 8080 default_server;']);
  });

  test('the proxied service is reached on loopback only', () => {
    const conf = renderNginxConfig(model());
    assert.deepEqual(lines(block(conf, /upstream service \{/)), ['upstream service {', 'server 127.0.0.1:8090;', 'keepalive 16;', '}']);
  });

  test('HLS is written with the configured fragment and playlist lengths under hlsRoot/video', () => {
    const hls = lines(block(renderNginxConfig(model({ fragmentSeconds: 4, playlistSeconds: 24 })), /application hls \{/));
    assert.ok(hls.includes('hls_path /srv/cdp/data/media/hls/video;'));
    assert.ok(hls.includes('hls_fragment 4s;'));
    assert.ok(hls.includes('hls_playlist_length 24s;'));
    assert.ok(hls.includes('hls_nested on;'));
    assert.ok(hls.includes('hls_cleanup on;'));
  });

  test('the worker user is set only when given', () => {
    assert.ok(!/^user /m.test(renderNginxConfig(model())));
    assert.match(renderNginxConfig(model({ workerUser: { user: 'www-data', group: 'www-data' } })), /^user www-data www-data;$/m);
  });

  test('nginx runs in the foreground with its pid file inside the prefix', () => {
    const conf = renderNginxConfig(model());
    assert.match(conf, /^daemon off;$/m);
    assert.match(conf, /^pid \/srv\/cdp\/data\/nginx\/nginx\.pid;$/m);
    assert.match(conf, /^load_module \/usr\/lib\/nginx\/modules\/ngx_rtmp_module\.so;$/m);
    assert.deepEqual(nginxPaths('/p'), { conf: '/p/nginx.conf', pid: '/p/nginx.pid', logs: '/p/logs', temp: '/p/temp' });
  });
});

describe('the generated nginx.conf with the real nginx', () => {
  test('nginx -t accepts it', { skip: existsSync(NGINX) && existsSync(RTMP_MODULE) ? false : 'nginx with the rtmp module is not installed' }, async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'cdp-nginx-'));
    try {
      const prefix = path.join(root, 'nginx');
      const p = nginxPaths(prefix);
      const m = model({
        prefix,
        httpPort: await freePort(),
        rtmpPort: await freePort(),
        statPort: await freePort(),
        internalPort: await freePort(),
        hlsRoot: path.join(root, 'media', 'hls'),
        masterRoot: path.join(root, 'media', 'master'),
        webRoot: path.join(root, 'web'),
        pageRoot: path.join(root, 'www'),
      });
      for (const d of [p.logs, p.temp, path.join(m.hlsRoot, 'video'), path.join(m.masterRoot, 'video'), m.webRoot, m.pageRoot]) mkdirSync(d, { recursive: true });
      writeFileSync(p.conf, renderNginxConfig(m));
      const r = spawnSync(NGINX, ['-t', '-p', prefix, '-c', p.conf, '-e', 'stderr'], { encoding: 'utf8', timeout: 10_000 });
      assert.equal(r.status, 0, `nginx -t failed:\n${r.stderr}`);
      assert.match(r.stderr, /syntax is ok/);
      assert.match(r.stderr, /test is successful/);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
