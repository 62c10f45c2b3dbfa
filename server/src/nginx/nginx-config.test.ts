import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { webModel } from '../../../test/helpers/nginx-models.js';
import { matchSnapshot as matchIn } from '../../../test/helpers/snapshot.js';
import { nginxPaths, PAGE_CSP, renderMediaConfig, type MediaNginxModel, type WebNginxModel } from './nginx-config.js';
import { renderWebConfig } from './web-config.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const NGINX = '/usr/sbin/nginx';
const RTMP_MODULE = '/usr/lib/nginx/modules/ngx_rtmp_module.so';
const TOKEN = 'cbtoken_0123456789abcdefABCDEF';

const matchSnapshot = (name: string, actual: string) => matchIn(here, name, actual);

const media = (over: Partial<MediaNginxModel> = {}): MediaNginxModel => ({
  prefix: '/srv/cdp/data/nginx',
  rtmpModule: RTMP_MODULE,
  rtmpPort: 1935,
  statPort: 8091,
  internalPort: 8090,
  hlsRoot: '/srv/cdp/data/media/hls',
  callbackToken: TOKEN,
  fragmentSeconds: 2,
  playlistSeconds: 12,
  ...over,
});

const web = (over: Partial<WebNginxModel> = {}): WebNginxModel => webModel({ recordingsRoot: '/srv/cdp/data/recordings', ...over });

const TLS = { port: 443, certFile: '/etc/cdp/tls/fullchain.pem', keyFile: '/etc/cdp/tls/privkey.pem' };

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

describe('renderMediaConfig and renderWebConfig', () => {
  test('the generated configurations match the committed snapshots', () => {
    matchSnapshot('nginx-media.conf.snap', renderMediaConfig(media()));
    matchSnapshot('nginx-web.conf.snap', renderWebConfig(web()));
    matchSnapshot('nginx-web-tls.conf.snap', renderWebConfig(web({ tls: TLS })));
  });

  test('the same model always renders the same file', () => {
    assert.equal(renderMediaConfig(media()), renderMediaConfig(media()));
    assert.equal(renderWebConfig(web({ tls: TLS })), renderWebConfig(web({ tls: TLS })));
  });

  test('nobody but this machine can publish into or play from the internal hls application', () => {
    const hls = lines(block(renderMediaConfig(media()), /application hls \{/));
    const publishRules = hls.filter((l) => /^(allow|deny) publish /.test(l));
    const playRules = hls.filter((l) => /^(allow|deny) play /.test(l));
    assert.deepEqual(publishRules, ['allow publish 127.0.0.1;', 'deny publish all;']);
    assert.deepEqual(playRules, ['allow play 127.0.0.1;', 'deny play all;']);
  });

  test('RTMP playback of the ingest application (the raw source) is loopback only', () => {
    const live = lines(block(renderMediaConfig(media()), /application live \{/));
    const allow = live.indexOf('allow play 127.0.0.1;');
    const deny = live.indexOf('deny play all;');
    assert.ok(allow >= 0, 'allow play 127.0.0.1 missing');
    assert.ok(deny > allow, 'deny play all must come after allow play 127.0.0.1 (nginx-rtmp applies the first match)');
    assert.ok(!live.some((l) => /^(allow|deny) publish/.test(l)), 'OBS publishes from anywhere: the key decides');
    assert.ok(live.includes('push rtmp://127.0.0.1:1935/hls;'));
  });

  test('both applications call the internal listener with the shared token', () => {
    const conf = renderMediaConfig(media());
    for (const app of ['live', 'hls']) {
      const l = lines(block(conf, new RegExp(`application ${app} \\{`)));
      assert.ok(l.includes(`on_publish http://127.0.0.1:8090/v1/streaming/on?token=${TOKEN};`), `${app} on_publish`);
      assert.ok(l.includes(`on_publish_done http://127.0.0.1:8090/v1/streaming/off?token=${TOKEN};`), `${app} on_publish_done`);
    }
    assert.equal(conf.match(/on_publish(_done)? /g)?.length, 4);
    assert.ok(!/on_publish(_done)? (?!http:\/\/127\.0\.0\.1:)/.test(conf), 'callbacks go to loopback only');
    assert.ok(!renderWebConfig(web({ tls: TLS })).includes(TOKEN), 'the public nginx never knows the token');
  });

  test('the RTMP access log never records the stream name (the key) or query arguments', () => {
    const rtmp = block(renderMediaConfig(media()), /^rtmp \{/m);
    const format = rtmp.match(/log_format (\S+) '([^']*)';/);
    assert.ok(format, 'rtmp log_format missing');
    for (const v of ['$name', '$args', '$tcurl', '$pageurl']) assert.ok(!format[2]!.includes(v), format[2]);
    const access = lines(rtmp).filter((l) => l.startsWith('access_log'));
    assert.deepEqual(access, [`access_log /srv/cdp/data/nginx/logs/rtmp-access.log ${format[1]};`], 'the only rtmp access log uses the safe format');
  });

  test('the HTTP access log records served paths without the query string, and no refused path', () => {
    const http = block(renderWebConfig(web()), /^http \{/m);
    const format = http.match(/log_format main '([^']*)';/)?.[1];
    assert.ok(format);
    assert.ok(format.includes('$cdp_logged_uri'));
    assert.match(block(http, /map \$status \$cdp_logged_uri \{/), /"~\^\[23\]" \$uri;\s+default\s+"-";/, 'only served paths are logged');
    assert.ok(!/\$request(?!_)|\$request_uri|\$args|\$query_string/.test(format), format);
  });

  for (const [label, conf, opener] of [
    ['HTTP', () => renderWebConfig(web()), /server \{\s*listen 8080 default_server;/],
    ['HTTPS', () => renderWebConfig(web({ tls: TLS })), /server \{\s*listen 443 ssl http2 default_server;/],
  ] as const) {
    test(`${label}: the callback paths answer 404 on the public server, however they are written`, () => {
      const publicServer = block(conf(), opener);
      for (const uri of ['/v1/streaming/on', '/v1/streaming/off', '/v1/streaming/on/', '/v1/streaming/off/x']) {
        const loc = selectLocation(publicServer, uri);
        assert.ok(loc, `no location for ${uri}`);
        assert.ok(lines(loc.body).includes('return 404;'), `${uri} is served by ${loc.modifier} ${loc.pattern}`);
        assert.ok(!loc.body.includes('proxy_pass'), `${uri} is proxied`);
      }
    });

    test(`${label}: the API is proxied to the service, and the legacy /v1/streaming/online is not mistaken for a callback`, () => {
      const publicServer = block(conf(), opener);
      for (const uri of ['/api/v1/status', '/readyz', '/healthz', '/ws', '/metrics']) {
        assert.match(selectLocation(publicServer, uri)?.body ?? '', /proxy_pass http:\/\/service;/, uri);
      }
      assert.ok(!lines(selectLocation(publicServer, '/v1/streaming/online')?.body ?? '').includes('return 404;'));
      assert.ok(!(selectLocation(publicServer, '/stat')?.body ?? '').includes('rtmp_stat'), '/stat is not on the public port');
      assert.match(selectLocation(publicServer, '/.well-known/acme-challenge/abc')?.body ?? '', /root \/srv\/cdp\/data\/acme;/);
    });

    test(`${label}: every location that sets its own headers repeats the security headers`, () => {
      const publicServer = block(conf(), opener);
      const withHeaders = publicServer.split(/(?=location )/).filter((part) => /add_header/.test(part.split('location ')[1] ?? ''));
      assert.ok(withHeaders.length >= 4);
      for (const loc of withHeaders.slice(1)) assert.match(loc, /X-Content-Type-Options nosniff/, loc.slice(0, 80));
      assert.equal(/Strict-Transport-Security/.test(publicServer), label === 'HTTPS', 'HSTS only over HTTPS');
    });
  }

  test('pages get a CSP without unsafe-inline; only /embed may be framed by other sites', () => {
    const conf = renderWebConfig(web({ tls: TLS }));
    assert.ok(!PAGE_CSP.includes('unsafe-inline') && !PAGE_CSP.includes('unsafe-eval'), PAGE_CSP);
    assert.match(PAGE_CSP, /script-src 'self';/);
    assert.match(PAGE_CSP, /frame-ancestors \$cdp_frame_ancestors$/);
    const page = selectLocation(block(conf, /server \{\s*listen 443 ssl/), '/index.html');
    assert.ok(page?.body.includes(`Content-Security-Policy "${PAGE_CSP}"`));
    assert.ok(page?.body.includes('X-Frame-Options $cdp_frame_options'));
    const map = lines(block(conf, /map \$request_uri \$cdp_frame_ancestors \{/));
    assert.deepEqual(map.slice(1, 3), [`"~^/embed(/|\\?|$)" "*";`, `default             "'self'";`]);
  });

  test('/chat (the OBS overlay the church’s scenes point at) serves chat.html with the page headers; other pages stay the app', () => {
    for (const conf of [block(renderWebConfig(web()), /server \{\s*listen 8080/), block(renderWebConfig(web({ tls: TLS })), /server \{\s*listen 443 ssl/)]) {
      for (const uri of ['/chat', '/chat/']) {
        const loc = selectLocation(conf, uri);
        assert.ok(loc?.body.includes('try_files /chat.html =404;'), `${uri} → ${loc?.pattern}`);
        assert.ok(loc?.body.includes(`Content-Security-Policy "${PAGE_CSP}"`), 'same CSP as the app (the socket is same-origin)');
        assert.ok(loc?.body.includes('Cache-Control "no-cache"'));
        assert.ok(loc?.body.includes('X-Content-Type-Options nosniff'));
      }
      for (const uri of ['/chats', '/chat/x', '/']) assert.ok(!selectLocation(conf, uri)?.body.includes('chat.html'), uri);
    }
  });

  test('with TLS, plain HTTP serves only certificate challenges and redirects the rest to HTTPS', () => {
    const conf = renderWebConfig(web({ tls: TLS }));
    const plain = block(conf, /server \{\s*listen 8080 default_server;/);
    assert.deepEqual(topLevelLocations(plain).map((l) => `${l.modifier} ${l.pattern}`), ['^~ /.well-known/acme-challenge/', ' /']);
    assert.match(selectLocation(plain, '/')!.body, /return 301 https:\/\/\$host\$request_uri;/);
    assert.match(selectLocation(plain, '/api/v1/status')!.body, /return 301/);
    const other = renderWebConfig(web({ tls: { ...TLS, port: 8443 } }));
    assert.match(other, /return 301 https:\/\/\$host:8443\$request_uri;/);
    const tls = lines(block(conf, /server \{\s*listen 443 ssl http2 default_server;/));
    assert.ok(tls.includes('ssl_certificate /etc/cdp/tls/fullchain.pem;'));
    assert.ok(tls.includes('ssl_certificate_key /etc/cdp/tls/privkey.pem;'));
    assert.ok(tls.includes('ssl_protocols TLSv1.2 TLSv1.3;'));
    assert.ok(tls.includes('add_header Strict-Transport-Security "max-age=63072000" always;'));
  });

  test('/stat is served only on a loopback listener of the media nginx; the web nginx has no RTMP', () => {
    const conf = renderMediaConfig(media());
    assert.equal(conf.match(/rtmp_stat /g)?.length, 1);
    assert.ok(block(conf, /server \{\s*listen 127\.0\.0\.1:8091;/).includes('rtmp_stat all;'));
    assert.deepEqual(lines(conf).filter((l) => l.startsWith('listen ')), ['listen 1935;', 'listen 127.0.0.1:8091;']);
    const webConf = renderWebConfig(web());
    assert.ok(!/rtmp|load_module/.test(webConf));
    assert.deepEqual(lines(webConf).filter((l) => l.startsWith('listen ')), ['listen 8080 default_server;']);
    assert.deepEqual(lines(renderWebConfig(web({ tls: TLS }))).filter((l) => l.startsWith('listen ')), ['listen 8080 default_server;', 'listen 443 ssl http2 default_server;']);
  });

  test('the proxied service is reached on loopback only', () => {
    assert.deepEqual(lines(block(renderWebConfig(web()), /upstream service \{/)), ['upstream service {', 'server 127.0.0.1:8090;', 'keepalive 16;', '}']);
  });

  test('the web nginx can hold thousands of viewers; the media nginx keeps one worker', () => {
    assert.match(renderWebConfig(web()), /^worker_processes auto;$/m);
    assert.match(renderWebConfig(web()), /worker_connections 16384;/);
    assert.match(renderMediaConfig(media()), /^worker_processes 1;$/m);
  });

  test('the web nginx asks for no more open files than it may have (no failed setrlimit without root)', () => {
    const limited = renderWebConfig(web({ openFilesLimit: 4096 }));
    assert.match(limited, /^worker_rlimit_nofile 4096;$/m);
    assert.match(limited, /worker_connections 4096;/);
    const generous = renderWebConfig(web({ openFilesLimit: 1_048_576 }));
    assert.match(generous, /^worker_rlimit_nofile 65536;$/m);
    assert.match(generous, /worker_connections 16384;/);
    assert.equal(renderWebConfig(web({ openFilesLimit: 20_000 })).match(/worker_rlimit_nofile (\d+);/)?.[1], '20000');
  });

  test('HLS is written with the configured fragment and playlist lengths under hlsRoot/video', () => {
    const hls = lines(block(renderMediaConfig(media({ fragmentSeconds: 4, playlistSeconds: 24 })), /application hls \{/));
    assert.ok(hls.includes('hls_path /srv/cdp/data/media/hls/video;'));
    assert.ok(hls.includes('hls_fragment 4s;'));
    assert.ok(hls.includes('hls_playlist_length 24s;'));
    assert.ok(hls.includes('hls_nested on;'));
    assert.ok(hls.includes('hls_cleanup on;'));
  });

  test('the worker user is set only when given', () => {
    assert.ok(!/^user /m.test(renderMediaConfig(media())));
    assert.match(renderMediaConfig(media({ workerUser: { user: 'www-data', group: 'www-data' } })), /^user www-data www-data;$/m);
    assert.match(renderWebConfig(web({ workerUser: { user: 'www-data', group: 'www-data' } })), /^user www-data www-data;$/m);
  });

  test('nginx runs in the foreground with its pid file inside the prefix', () => {
    const conf = renderMediaConfig(media());
    assert.match(conf, /^daemon off;$/m);
    assert.match(conf, /^pid \/srv\/cdp\/data\/nginx\/nginx\.pid;$/m);
    assert.match(conf, /^load_module \/usr\/lib\/nginx\/modules\/ngx_rtmp_module\.so;$/m);
    assert.match(renderWebConfig(web()), /^pid \/srv\/cdp\/data\/nginx-web\/nginx\.pid;$/m);
    assert.deepEqual(nginxPaths('/p'), { conf: '/p/nginx.conf', pid: '/p/nginx.pid', logs: '/p/logs', temp: '/p/temp' });
  });
});

const haveNginx = existsSync(NGINX) && existsSync(RTMP_MODULE) ? false : 'nginx with the rtmp module is not installed';

describe('the generated configurations with the real nginx', () => {
  for (const which of ['media', 'web', 'web with TLS', 'web behind a load balancer'] as const) {
    test(`nginx -t accepts the ${which} configuration`, { skip: haveNginx }, async () => {
      const root = mkdtempSync(path.join(os.tmpdir(), 'cdp-nginx-'));
      try {
        const prefix = path.join(root, 'nginx');
        const p = nginxPaths(prefix);
        const hlsRoot = path.join(root, 'media', 'hls');
        let text: string;
        if (which === 'media') {
          text = renderMediaConfig(media({ prefix, rtmpPort: await freePort(), statPort: await freePort(), internalPort: await freePort(), hlsRoot }));
        } else {
          let tls: WebNginxModel['tls'];
          if (which === 'web with TLS') {
            const certFile = path.join(root, 'cert.pem');
            const keyFile = path.join(root, 'key.pem');
            const r = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=localhost', '-keyout', keyFile, '-out', certFile], { encoding: 'utf8' });
            assert.equal(r.status, 0, r.stderr);
            tls = { port: await freePort(), certFile, keyFile };
          }
          text = renderWebConfig(
            web({ prefix, httpPort: await freePort(), internalPort: await freePort(), hlsRoot, masterRoot: path.join(root, 'media', 'master'), webRoot: path.join(root, 'web'), pageRoot: path.join(root, 'www'), acmeRoot: path.join(root, 'acme'), tls, ...(which === 'web behind a load balancer' ? { trustedProxies: ['127.0.0.1', '10.0.0.0/24', '::1'] } : {}) }),
          );
        }
        for (const d of [p.logs, p.temp, path.join(hlsRoot, 'video'), path.join(root, 'media', 'master', 'video'), path.join(root, 'web'), path.join(root, 'www'), path.join(root, 'acme')]) mkdirSync(d, { recursive: true });
        writeFileSync(p.conf, text);
        const r = spawnSync(NGINX, ['-t', '-p', prefix, '-c', p.conf, '-e', 'stderr'], { encoding: 'utf8', timeout: 10_000 });
        assert.equal(r.status, 0, `nginx -t failed:\n${r.stderr}`);
        assert.match(r.stderr, /syntax is ok/);
        assert.match(r.stderr, /test is successful/);
      } finally {
        rmSync(root, { recursive: true, force: true });
      }
    });
  }
});

describe('behind a load balancer (TRUSTED_PROXIES)', () => {
  test("the client's address comes from X-Forwarded-For only when the balancer sent it", () => {
    const conf = renderWebConfig(webModel({ trustedProxies: ['10.0.0.5', '10.0.1.0/24'] }));
    const http = block(conf, /^http \{/m);
    assert.deepEqual(lines(http).filter((l) => /^(set_real_ip_from|real_ip_)/.test(l)), ['set_real_ip_from 10.0.0.5;', 'set_real_ip_from 10.0.1.0/24;', 'real_ip_header X-Forwarded-For;', 'real_ip_recursive on;']);
    assert.doesNotMatch(renderWebConfig(webModel()), /real_ip/, 'not without TRUSTED_PROXIES');
  });
});
