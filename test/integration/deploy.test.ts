import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { loadConfig } from '../../server/src/config/load.js';
import { ENV_FIELDS, NESTED_ENV_FIELDS } from '../../server/src/config/schema.js';
import { ensureBuilt, ROOT, waitFor } from '../helpers/platform.js';

const DEPLOY = path.join(ROOT, 'deploy');
const UNIT = path.join(DEPLOY, 'casadelpadre.service');
const HOOK = path.join(DEPLOY, 'certbot-deploy-hook.sh');
const CLI_WRAPPER = path.join(DEPLOY, 'casadelpadre-cli.sh');
const ENV_EXAMPLE = path.join(DEPLOY, 'casadelpadre.env.example');
const LOGROTATE = path.join(DEPLOY, 'logrotate-casadelpadre');
const DOCKERFILE = path.join(ROOT, 'Dockerfile');
const isRoot = process.getuid?.() === 0;

function which(cmd: string): string | undefined {
  for (const dir of (process.env.PATH ?? '/usr/bin:/bin').split(':').concat(['/usr/sbin', '/sbin'])) {
    const full = path.join(dir, cmd);
    if (existsSync(full)) return full;
  }
  return undefined;
}

/** Directives of a systemd unit, by name, in order (a name may repeat). */
function unitDirectives(text: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith(';') || line.startsWith('[')) continue;
    const eq = line.indexOf('=');
    const name = line.slice(0, eq);
    out.set(name, [...(out.get(name) ?? []), line.slice(eq + 1)]);
  }
  return out;
}

/** The unit with the install paths pointed at this checkout and this node, every other line kept. */
function renderUnitForThisMachine(text: string): string {
  return text.replaceAll('/usr/bin/node ', `${process.execPath} `).replaceAll('/opt/casadelpadre', ROOT);
}

function verifyUnit(dir: string, text: string): { ours: string[]; all: string } {
  const file = path.join(dir, 'casadelpadre.service');
  writeFileSync(file, text);
  const r = spawnSync('systemd-analyze', ['verify', file], { encoding: 'utf8', timeout: 60_000 });
  const all = `${r.stdout}${r.stderr}`;
  const ours = all.split('\n').filter((l) => l.includes(file) || l.startsWith('casadelpadre.service'));
  return { ours, all };
}

function selfSignedLineage(dir: string, name: string): string {
  const lineage = path.join(dir, 'live', name);
  mkdirSync(lineage, { recursive: true });
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', `/CN=${name}`,
    '-keyout', path.join(lineage, 'privkey.pem'), '-out', path.join(lineage, 'fullchain.pem')], { stdio: 'ignore' });
  return lineage;
}

function runHook(env: Record<string, string>) {
  return spawnSync(HOOK, [], { encoding: 'utf8', timeout: 30_000, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env } });
}

const mode = (file: string) => statSync(file).mode & 0o777;

describe('deploying on a server (systemd, certbot, logrotate, Docker)', { timeout: 180_000 }, () => {
  test('the systemd unit runs confined as its own user, reloads with HUP and stops within the timeout', () => {
    const d = unitDirectives(readFileSync(UNIT, 'utf8'));
    const one = (name: string) => {
      const v = d.get(name);
      assert.ok(v, `${name} is set`);
      return v[v.length - 1]!;
    };
    assert.equal(one('User'), 'casadelpadre');
    assert.equal(one('Group'), 'casadelpadre');
    assert.equal(one('EnvironmentFile'), '/etc/casadelpadre/casadelpadre.env');
    assert.equal(one('WorkingDirectory'), '/opt/casadelpadre');
    assert.equal(one('ExecStart'), '/usr/bin/node /opt/casadelpadre/dist/server/src/main.js');
    assert.match(one('ExecReload'), /^\/bin\/kill -HUP \$MAINPID$/);
    assert.equal(one('Restart'), 'on-failure');
    assert.ok(d.has('RestartSec'));
    assert.equal(one('KillMode'), 'mixed');
    assert.ok(Number(one('TimeoutStopSec')) >= 11, 'longer than the service\'s own 10 s shutdown');
    assert.equal(one('ProtectSystem'), 'strict');
    assert.match(one('NoNewPrivileges'), /^(yes|true)$/);
    assert.equal(one('CapabilityBoundingSet'), 'CAP_NET_BIND_SERVICE');
    assert.equal(one('AmbientCapabilities'), 'CAP_NET_BIND_SERVICE');
    assert.ok(d.get('ReadWritePaths')!.join(' ').split(/\s+/).includes('/var/lib/casadelpadre'));
    for (const yes of ['PrivateTmp', 'ProtectHome', 'ProtectKernelTunables', 'ProtectKernelModules', 'ProtectKernelLogs',
      'ProtectControlGroups', 'RestrictSUIDSGID', 'LockPersonality', 'RestrictRealtime', 'RestrictNamespaces']) {
      assert.match(one(yes), /^(yes|true)$/, yes);
    }
    assert.equal(one('SystemCallArchitectures'), 'native');
    assert.ok(Number(one('LimitNOFILE')) >= 65536);
    assert.equal(d.has('MemoryDenyWriteExecute'), false, 'V8\'s JIT needs writable+executable memory');
  });

  test('systemd-analyze verify finds nothing wrong with the unit', (t) => {
    if (!which('systemd-analyze')) return t.skip('systemd-analyze is not installed');
    const dir = mkdtempSync(path.join(os.tmpdir(), 'cdp-unit-'));
    try {
      const original = readFileSync(UNIT, 'utf8');
      const rendered = renderUnitForThisMachine(original);
      // Only the install paths differ: every hardening line is verified as shipped.
      const a = unitDirectives(original);
      const b = unitDirectives(rendered);
      for (const [name, values] of a) if (!['ExecStart', 'WorkingDirectory', 'Documentation'].includes(name)) assert.deepEqual(b.get(name), values, name);
      const good = verifyUnit(dir, rendered);
      assert.deepEqual(good.ours, [], good.all);
      // The check is not vacuous: a broken copy is reported.
      const bad = verifyUnit(dir, rendered.replace('ProtectSystem=strict', 'ProtectSystem=very').replace('[Service]', '[Service]\nProtectEverything=yes'));
      assert.ok(bad.ours.some((l) => /ProtectEverything/.test(l)), bad.all);
      assert.ok(bad.ours.some((l) => /protect system/i.test(l)), bad.all);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('systemd rates the unit\'s exposure as OK', (t) => {
    if (!which('systemd-analyze')) return t.skip('systemd-analyze is not installed');
    const dir = mkdtempSync(path.join(os.tmpdir(), 'cdp-unit-'));
    try {
      const file = path.join(dir, 'casadelpadre.service');
      writeFileSync(file, renderUnitForThisMachine(readFileSync(UNIT, 'utf8')));
      const r = spawnSync('systemd-analyze', ['security', '--offline=yes', '--no-pager', file], { encoding: 'utf8', timeout: 60_000 });
      const level = /Overall exposure level for \S+: ([\d.]+)/.exec(`${r.stdout}${r.stderr}`)?.[1];
      if (!level) return t.skip(`this systemd cannot rate units offline: ${r.stderr.trim().split('\n')[0] ?? ''}`);
      assert.ok(Number(level) <= 4, `exposure ${level} (≤ 4 expected; was 3.1 when written)\n${r.stdout}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('every shell script parses, is executable and stops on errors', () => {
    const scripts = readdirSync(DEPLOY).filter((f) => f.endsWith('.sh')).map((f) => path.join(DEPLOY, f));
    assert.ok(scripts.includes(HOOK) && scripts.includes(CLI_WRAPPER) && scripts.includes(path.join(DEPLOY, 'install.sh')));
    for (const file of scripts) {
      const r = spawnSync('bash', ['-n', file], { encoding: 'utf8' });
      assert.equal(r.status, 0, `${path.basename(file)}: ${r.stderr}`);
      const text = readFileSync(file, 'utf8');
      assert.match(text, /^#!\/usr\/bin\/env bash\n/, `${path.basename(file)} shebang`);
      assert.match(text, /^set -euo pipefail$/m, `${path.basename(file)} set -euo pipefail`);
      assert.ok(mode(file) & 0o111, `${path.basename(file)} is executable`);
    }
    if (which('shellcheck')) {
      const r = spawnSync('shellcheck', ['-S', 'warning', ...scripts], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stdout);
    }
  });

  test('the certbot hook copies the renewed certificate with safe modes and reloads the service', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'cdp-hook-'));
    try {
      const lineage = selfSignedLineage(dir, 'envivo.iglesia.test');
      const tls = path.join(dir, 'etc', 'tls');
      const reloads = path.join(dir, 'reloads');
      const reload = path.join(dir, 'reload.sh');
      writeFileSync(reload, `#!/bin/sh\necho reload >> ${reloads}\n`, { mode: 0o755 });
      const group = execFileSync('id', ['-gn'], { encoding: 'utf8' }).trim();
      const env = { RENEWED_LINEAGE: lineage, CASADELPADRE_TLS_DIR: tls, CASADELPADRE_GROUP: group, CASADELPADRE_RELOAD_CMD: reload };

      const r = runHook(env);
      assert.equal(r.status, 0, r.stderr);
      assert.deepEqual(readFileSync(path.join(tls, 'fullchain.pem')), readFileSync(path.join(lineage, 'fullchain.pem')));
      assert.deepEqual(readFileSync(path.join(tls, 'privkey.pem')), readFileSync(path.join(lineage, 'privkey.pem')));
      assert.equal(mode(tls), 0o750);
      assert.equal(mode(path.join(tls, 'fullchain.pem')), 0o644);
      assert.equal(mode(path.join(tls, 'privkey.pem')), 0o640, 'the key is readable by the group only');
      assert.equal(statSync(path.join(tls, 'privkey.pem')).gid, process.getgid!());
      assert.deepEqual(readdirSync(tls).sort(), ['fullchain.pem', 'privkey.pem'], 'no temporary files left');
      assert.equal(readFileSync(reloads, 'utf8'), 'reload\n', 'reloaded once');

      // A renewal whose key is missing: says why, keeps the copies in use, does not reload.
      const before = readFileSync(path.join(tls, 'privkey.pem'));
      rmSync(path.join(lineage, 'privkey.pem'));
      const missing = runHook(env);
      assert.notEqual(missing.status, 0);
      assert.match(missing.stderr, /privkey\.pem/);
      assert.match(missing.stderr, /NOT reloaded/);
      assert.equal(readFileSync(reloads, 'utf8'), 'reload\n', 'not reloaded');
      assert.deepEqual(readFileSync(path.join(tls, 'privkey.pem')), before, 'the copy in use is untouched');

      // A key that does not belong to the certificate is refused the same way.
      execFileSync('openssl', ['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', path.join(lineage, 'privkey.pem')], { stdio: 'ignore' });
      const mismatch = runHook(env);
      assert.notEqual(mismatch.status, 0);
      assert.match(mismatch.stderr, /do not match/);
      assert.equal(readFileSync(reloads, 'utf8'), 'reload\n');

      // Another site's certificate on the same server is left alone.
      const other = runHook({ ...env, CASADELPADRE_CERT_NAME: 'otro.dominio.test' });
      assert.equal(other.status, 0, other.stderr);
      assert.match(other.stdout, /not ours/);
      assert.equal(readFileSync(reloads, 'utf8'), 'reload\n');

      // Without RENEWED_LINEAGE (run by hand, wrongly) it explains instead of guessing.
      const { RENEWED_LINEAGE: _unused, ...noLineage } = env;
      const none = runHook(noLineage);
      assert.notEqual(none.status, 0);
      assert.match(none.stderr, /RENEWED_LINEAGE/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('the environment example sets only known variables, to valid values, and documents every one', () => {
    const known = new Set<string>([...Object.keys(ENV_FIELDS), ...Object.keys(NESTED_ENV_FIELDS), 'CONFIG_FILE']); // CONFIG_FILE is read by loadConfig itself
    const lines = readFileSync(ENV_EXAMPLE, 'utf8').split('\n');
    const set: Record<string, string> = {};
    const mentioned = new Set<string>();
    lines.forEach((line, i) => {
      if (line === '' || line.startsWith('#')) {
        const commented = /^#([A-Z][A-Z0-9_]*)=/.exec(line);
        if (commented) {
          assert.ok(known.has(commented[1]!), `line ${i + 1}: unknown variable ${commented[1]}`);
          mentioned.add(commented[1]!);
        }
        return;
      }
      const m = /^([A-Z][A-Z0-9_]*)=(\S*)$/.exec(line);
      assert.ok(m, `line ${i + 1} is a comment or NAME=value: ${JSON.stringify(line)}`);
      assert.ok(known.has(m[1]!), `line ${i + 1}: unknown variable ${m[1]}`);
      set[m[1]!] = m[2]!;
      mentioned.add(m[1]!);
    });
    for (const name of known) assert.ok(mentioned.has(name), `${name} is documented in the example`);
    for (const secret of ['STREAM_KEY', 'ADMIN_PASSWORD', 'SESSION_SECRET', 'METRICS_TOKEN']) assert.equal(set[secret], undefined, `${secret} is not set in the example`);
    // As shipped, and after the HTTPS step (both TLS lines uncommented), it is a valid configuration.
    const config = loadConfig(set, ROOT);
    assert.equal(config.httpPort, 80);
    assert.equal(config.httpsPort, 443);
    assert.equal(config.dataDir, '/var/lib/casadelpadre');
    assert.equal(config.webRoot, '/opt/casadelpadre/web/dist');
    const tls = loadConfig({ ...set, TLS_CERT_FILE: '/etc/casadelpadre/tls/fullchain.pem', TLS_KEY_FILE: '/etc/casadelpadre/tls/privkey.pem' }, ROOT);
    assert.equal(tls.tlsKeyFile, '/etc/casadelpadre/tls/privkey.pem');
    assert.match(readFileSync(ENV_EXAMPLE, 'utf8'), /^#TLS_CERT_FILE=\/etc\/casadelpadre\/tls\/fullchain\.pem$/m);
    assert.match(readFileSync(ENV_EXAMPLE, 'utf8'), /^#TLS_KEY_FILE=\/etc\/casadelpadre\/tls\/privkey\.pem$/m);
  });

  test('the casadelpadre command runs the CLI with the environment file, as the service user', (t) => {
    if (!isRoot) return t.skip('runs the CLI through runuser, which needs root');
    // The wrapper is under test, not the CLI: an existing build will do.
    if (!existsSync(path.join(ROOT, 'dist', 'server', 'src', 'cli.js'))) ensureBuilt();
    const dir = mkdtempSync(path.join(os.tmpdir(), 'cdp-cli-'));
    try {
      const envFile = path.join(dir, 'casadelpadre.env');
      const dataDir = path.join(dir, 'data');
      writeFileSync(envFile, [
        '# comment', '', `DATA_DIR=${dataDir}`, 'PUBLIC_URL="https://envivo.iglesia.test"', 'RTMP_PORT=1935', 'HTTP_PORT=80',
        '#ADMIN_PASSWORD=CAMBIE-ESTO', 'not a variable line with a secret',
      ].join('\n'));
      const r = spawnSync(CLI_WRAPPER, ['banner'], {
        encoding: 'utf8', timeout: 30_000,
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin', CASADELPADRE_ENV_FILE: envFile, CASADELPADRE_HOME: ROOT, CASADELPADRE_USER: os.userInfo().username, CASADELPADRE_NODE: process.execPath },
      });
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, /rtmp:\/\/envivo\.iglesia\.test:1935\/live/);
      assert.match(r.stdout, /https:\/\/envivo\.iglesia\.test\/admin/);
      assert.match(r.stderr, /line 8 ignored/);
      assert.doesNotMatch(r.stderr, /secret/, 'an ignored line is not echoed');
      assert.equal(mode(path.join(dataDir, 'secrets.json')), 0o600);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('logrotate rotates nginx\'s logs daily for 14 days and makes each running nginx reopen them', async (t) => {
    const text = readFileSync(LOGROTATE, 'utf8');
    for (const d of ['daily', 'rotate 14', 'compress', 'delaycompress', 'missingok', 'notifempty', 'su casadelpadre casadelpadre']) {
      assert.match(text, new RegExp(`^\\s+${d}$`, 'm'), d);
    }
    assert.match(text, /\/var\/lib\/casadelpadre\/nginx\/logs\/\*\.log/);
    assert.match(text, /\/var\/lib\/casadelpadre\/nginx-web\/logs\/\*\.log/);
    assert.match(text, /kill -USR1/);
    if (!which('logrotate')) return t.skip('logrotate is not installed');
    if (!isRoot) return t.skip('the su directive needs root');

    const dir = mkdtempSync(path.join(os.tmpdir(), 'cdp-logrotate-'));
    // Stands in for an nginx master: records SIGUSR1.
    const marker = path.join(dir, 'usr1');
    const fake = spawn('bash', ['-c', `trap 'echo usr1 >> ${marker}' USR1; while :; do sleep 0.1; done`], { stdio: 'ignore' });
    try {
      mkdirSync(path.join(dir, 'nginx', 'logs'), { recursive: true });
      writeFileSync(path.join(dir, 'nginx', 'logs', 'access.log'), 'GET /video/envivo.m3u8\n');
      writeFileSync(path.join(dir, 'nginx', 'nginx.pid'), `${fake.pid}\n`);
      const me = execFileSync('id', ['-un'], { encoding: 'utf8' }).trim();
      const myGroup = execFileSync('id', ['-gn'], { encoding: 'utf8' }).trim();
      const conf = path.join(dir, 'logrotate.conf');
      writeFileSync(conf, text.replaceAll('/var/lib/casadelpadre', dir).replaceAll('casadelpadre casadelpadre', `${me} ${myGroup}`), { mode: 0o644 });
      await new Promise((r) => setTimeout(r, 200)); // the trap is installed
      const r = spawnSync('logrotate', ['--force', '--state', path.join(dir, 'state'), conf], { encoding: 'utf8', timeout: 30_000 });
      assert.equal(r.status, 0, r.stderr);
      assert.equal(readFileSync(path.join(dir, 'nginx', 'logs', 'access.log.1'), 'utf8'), 'GET /video/envivo.m3u8\n');
      assert.ok(existsSync(path.join(dir, 'nginx', 'logs', 'access.log')), 'a new log was created');
      await waitFor('nginx asked to reopen its logs', () => existsSync(marker), 5000);
    } finally {
      fake.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('the Dockerfile builds in two stages and runs nginx-rtmp and ffmpeg as a non-root user', () => {
    const text = readFileSync(DOCKERFILE, 'utf8');
    const stages = text.split(/^FROM /m).slice(1);
    assert.ok(stages.length >= 2, 'a build stage with dev dependencies, then a runtime stage');
    for (const s of stages) assert.match(s, /^node:20-bookworm-slim/);
    assert.match(stages[0]!, /npm ci/);
    assert.match(stages[0]!, /npm run build/);
    assert.match(stages[0]!, /npm prune --omit=dev/);
    const runtime = stages[stages.length - 1]!;
    for (const pkg of ['nginx', 'libnginx-mod-rtmp', 'ffmpeg']) assert.match(runtime, new RegExp(`apt-get install[^\\n]*\\s${pkg}(\\s|$)`), pkg);
    const users = [...runtime.matchAll(/^USER\s+(\S+)/gm)].map((m) => m[1]);
    assert.ok(users.length > 0 && !['root', '0'].includes(users[users.length - 1]!), 'the last USER is not root');
    assert.match(runtime, /^EXPOSE\s+.*\b8080\b.*\b1935\b/m);
    assert.match(runtime, /^VOLUME\s+\/data$/m);
    assert.match(runtime, /DATA_DIR=\/data/);
    assert.match(runtime, /WEB_ROOT=\/app\/web\/dist/);
    assert.match(runtime, /^STOPSIGNAL SIGTERM$/m);
    assert.match(runtime, /^HEALTHCHECK /m);
    // Everything COPY takes from the build context exists and is not excluded by .dockerignore.
    const ignored = readFileSync(path.join(ROOT, '.dockerignore'), 'utf8').split('\n').filter((l) => l && !l.startsWith('#'));
    for (const p of ['node_modules', 'dist', 'web/dist', 'data', '.git']) assert.ok(ignored.includes(p), `.dockerignore: ${p}`);
    const copied = [...text.matchAll(/^COPY (?!--from)(.+) \S+$/gm)].flatMap((m) => m[1]!.split(/\s+/));
    assert.ok(copied.length > 0);
    for (const p of copied) {
      assert.ok(existsSync(path.join(ROOT, p)), `COPY ${p} exists`);
      assert.ok(!ignored.includes(p), `COPY ${p} is not in .dockerignore`);
    }
  });

  test('the Docker health check passes on a healthy service and fails otherwise', async () => {
    const line = /^HEALTHCHECK .*\n\s+CMD (\[.*\])$/m.exec(readFileSync(DOCKERFILE, 'utf8'));
    assert.ok(line, 'HEALTHCHECK CMD in exec form');
    const argv = JSON.parse(line[1]!) as string[];
    assert.equal(argv[0], 'node', 'node fetches: the slim image has no curl');
    let healthy = true;
    const server = http.createServer((req, res) => {
      res.statusCode = req.url === '/healthz' && healthy ? 200 : 503;
      res.end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    try {
      const port = String((server.address() as AddressInfo).port);
      const check = () => new Promise<number | null>((resolve) => {
        const child = spawn(process.execPath, argv.slice(1), { env: { ...process.env, INTERNAL_PORT: port }, stdio: 'ignore' });
        child.on('exit', (code) => resolve(code));
      });
      assert.equal(await check(), 0);
      healthy = false;
      assert.equal(await check(), 1);
    } finally {
      server.close();
    }
  });

  test('both guides give the same commands, and cover the install, TLS, firewall, logs and Docker', () => {
    const commands = (file: string) => {
      const text = readFileSync(path.join(DEPLOY, file), 'utf8');
      const blocks = [...text.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!);
      return { text, lines: blocks.flatMap((b) => b.split('\n')).filter((l) => l.trim() !== '') };
    };
    const es = commands('README.es.md');
    const en = commands('README.md');
    assert.deepEqual(es.lines, en.lines, 'the Spanish and English guides list the same commands');
    const all = es.lines.join('\n');
    for (const c of [
      'sudo systemctl disable --now nginx',
      'sudo apt-get install -y nginx libnginx-mod-rtmp ffmpeg',
      'sudo install -m 0644 deploy/casadelpadre.service /etc/systemd/system/casadelpadre.service',
      'sudo install -m 0600 /opt/casadelpadre/deploy/casadelpadre.env.example /etc/casadelpadre/casadelpadre.env',
      'sudo certbot certonly --webroot -w /var/lib/casadelpadre/acme -d envivo.iglesia.cl --deploy-hook /etc/letsencrypt/renewal-hooks/deploy/casadelpadre',
      'sudo ufw allow 80/tcp', 'sudo ufw allow 443/tcp', 'sudo ufw allow 1935/tcp',
      'journalctl -u casadelpadre -f',
      'sudo casadelpadre banner',
      'sudo docker run -d --name casadelpadre',
    ]) assert.ok(all.includes(c), c);
    // Every file the guides install exists in deploy/.
    for (const m of all.matchAll(/install -m \d+ (?:\/opt\/casadelpadre\/)?(deploy\/\S+)/g)) assert.ok(existsSync(path.join(ROOT, m[1]!)), m[1]);
    for (const g of [es.text, en.text]) {
      assert.match(g, /make start/, 'says make start is for trying it out');
      assert.match(g, /SystemMaxUse/);
      assert.match(g, /8090/);
    }
    assert.match(es.text, /\busted\b|\bsu (iglesia|computador|dominio)\b/i, 'the Spanish guide addresses the reader as usted');
  });
});
