import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { webModel } from '../../../test/helpers/nginx-models.js';
import { inlineScriptHashes, inlineScripts, legacyFrontendSite } from './legacy-frontend.js';
import { nginxPaths, type WebNginxModel } from './nginx-config.js';
import { renderWebConfig } from './web-config.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const FIXTURE = path.resolve(here, '..', '..', '..', 'test', 'fixtures', 'legacy-frontend');
const NGINX = '/usr/sbin/nginx';
const sha = (s: string) => `'sha256-${createHash('sha256').update(s).digest('base64')}'`;

const web = webModel;

describe('the old frontend served on the same origin', () => {
  test('inline scripts are found exactly as written; scripts with src are not', () => {
    const html = '<script src="/a.js"></script><script>var a=1;</script>\n<SCRIPT type="text/javascript">\n  b()\n</SCRIPT><script src=x.js>ignored()</script>';
    assert.deepEqual(inlineScripts(html), ['var a=1;', '\n  b()\n']);
  });

  test("the CSP allows exactly the hashes of the build's inline scripts, in every HTML file", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'cdp-legacy-'));
    try {
      mkdirSync(path.join(dir, 'sub'));
      writeFileSync(path.join(dir, 'index.html'), '<script>one()</script><script src="x.js"></script>');
      writeFileSync(path.join(dir, 'sub', 'other.html'), '<script>two()</script><script>one()</script>');
      writeFileSync(path.join(dir, 'notes.txt'), '<script>three()</script>');
      assert.deepEqual(inlineScriptHashes(dir), [sha('one()'), sha('two()')].sort());
      const site = legacyFrontendSite({ dir, path: '/iglesia/' }, 'https://iglesia.cl/x');
      const scriptSrc = /script-src ([^;]+);/.exec(site.csp)![1]!.split(' ').sort();
      assert.deepEqual(scriptSrc, ["'self'", sha('one()'), sha('two()')].sort());
      assert.ok(!/unsafe-inline[^;]*;/.test(/script-src[^;]*;/.exec(site.csp)![0]), 'no unsafe-inline for scripts');
      assert.match(site.csp, /connect-src 'self' https:\/\/iglesia\.cl wss:\/\/iglesia\.cl;/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("the fixture build (like create-react-app's) has one inline runtime script", () => {
    const html = readFileSync(path.join(FIXTURE, 'index.html'), 'utf8');
    assert.equal(inlineScripts(html).length, 1);
    assert.deepEqual(inlineScriptHashes(FIXTURE), [sha(inlineScripts(html)[0]!)]);
  });

  test('the web nginx serves the folder at its path with that CSP; the API, sockets and app are untouched', () => {
    const site = legacyFrontendSite({ dir: FIXTURE, path: '/iglesia/' }, 'http://localhost:8080');
    const conf = renderWebConfig(web({ legacyFrontend: site }));
    const without = renderWebConfig(web());
    assert.ok(!without.includes('/iglesia/'));
    const loc = /location \^~ \/iglesia\/ \{[\s\S]*?\n {8}\}/.exec(conf)?.[0];
    assert.ok(loc, conf);
    assert.match(loc, new RegExp(`alias ${FIXTURE}/;`));
    assert.match(loc, /try_files \$uri \$uri\/ \/iglesia\/index\.html;/);
    assert.ok(loc.includes(`add_header Content-Security-Policy "${site.csp}" always;`));
    assert.match(loc, /X-Content-Type-Options nosniff/);
    assert.match(conf, /location = \/iglesia \{\s+absolute_redirect off;\s+return 301 \/iglesia\/;/);
    // Everything else is the same configuration.
    assert.equal(conf.replace(/\n\n {8}# The church's existing frontend's build[\s\S]*?X-Frame-Options SAMEORIGIN always;\n {8}\}/, ''), without);
  });

  test('sockets are proxied with the Host the browser used (the service compares it with Origin)', () => {
    const ws = /location ~ "\^\/\(ws\|v1\/websocket\)\$" \{[\s\S]*?\}/.exec(renderWebConfig(web()))![0];
    assert.match(ws, /proxy_set_header X-Forwarded-Host \$http_host;/);
    assert.match(ws, /proxy_set_header X-Forwarded-Proto \$scheme;/);
  });

  test('nginx -t accepts the configuration with the old frontend', { skip: existsSync(NGINX) ? false : 'nginx is not installed' }, () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'cdp-nginx-legacy-'));
    try {
      const prefix = path.join(root, 'nginx');
      const p = nginxPaths(prefix);
      const dirs = { hlsRoot: path.join(root, 'hls'), masterRoot: path.join(root, 'master'), webRoot: path.join(root, 'web'), pageRoot: path.join(root, 'www'), acmeRoot: path.join(root, 'acme') };
      for (const d of [p.logs, p.temp, ...Object.values(dirs)]) mkdirSync(d, { recursive: true });
      const site = legacyFrontendSite({ dir: FIXTURE, path: '/iglesia/' }, 'http://localhost:8080');
      writeFileSync(p.conf, renderWebConfig(web({ prefix, httpPort: 1, internalPort: 2, ...dirs, legacyFrontend: site })));
      const r = spawnSync(NGINX, ['-t', '-p', prefix, '-c', p.conf, '-e', 'stderr'], { encoding: 'utf8', timeout: 10_000 });
      assert.equal(r.status, 0, r.stderr);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
