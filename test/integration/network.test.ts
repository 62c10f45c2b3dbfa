import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { cleanupService, ensureBuilt, publish, startService, waitFor, type Publisher, type ServiceHandle } from '../helpers/platform.js';

/**
 * A second host made of a network namespace joined to this one by a veth pair (addresses from the
 * documentation range 192.0.2.0/24, private to this test). From there, nginx sees a non-loopback client.
 */
function makeOutsideHost(): { ns: string; hostIp: string; run(cmd: string[], timeoutMs?: number): { code: number | null; out: string }; remove(): void } | string {
  if (process.getuid?.() !== 0) return 'not root';
  const id = Math.floor(Math.random() * 60) + 1;
  const ns = `cdp-t${id}`;
  const hostIf = `cdph${id}`;
  const nsIf = `cdpn${id}`;
  const hostIp = `192.0.2.${id * 4 + 1}`;
  const nsIp = `192.0.2.${id * 4 + 2}`;
  const ip = (...args: string[]) => execFileSync('ip', args, { stdio: 'pipe' });
  try {
    spawnSync('ip', ['netns', 'del', ns]);
    spawnSync('ip', ['link', 'del', hostIf]);
    ip('netns', 'add', ns);
    ip('link', 'add', hostIf, 'type', 'veth', 'peer', 'name', nsIf);
    ip('link', 'set', nsIf, 'netns', ns);
    ip('addr', 'add', `${hostIp}/30`, 'dev', hostIf);
    ip('link', 'set', hostIf, 'up');
    ip('netns', 'exec', ns, 'ip', 'addr', 'add', `${nsIp}/30`, 'dev', nsIf);
    ip('netns', 'exec', ns, 'ip', 'link', 'set', nsIf, 'up');
    ip('netns', 'exec', ns, 'ip', 'link', 'set', 'lo', 'up');
  } catch (err) {
    spawnSync('ip', ['netns', 'del', ns]);
    spawnSync('ip', ['link', 'del', hostIf]);
    return `network namespaces unavailable: ${(err as Error).message.split('\n')[0]}`;
  }
  return {
    ns,
    hostIp,
    run(cmd, timeoutMs = 20_000) {
      const r = spawnSync('ip', ['netns', 'exec', ns, ...cmd], { encoding: 'utf8', timeout: timeoutMs });
      return { code: r.status, out: `${r.stdout ?? ''}${r.stderr ?? ''}` };
    },
    remove() {
      spawnSync('ip', ['netns', 'del', ns]);
      spawnSync('ip', ['link', 'del', hostIf]);
    },
  };
}

const playArgs = (url: string) => ['ffmpeg', '-hide_banner', '-loglevel', 'error', '-rw_timeout', '5000000', '-i', url, '-t', '2', '-f', 'null', '-'];

describe('who may play and publish over RTMP', { timeout: 180_000 }, () => {
  let svc: ServiceHandle;
  let pub: Publisher | undefined;
  let host: ReturnType<typeof makeOutsideHost>;

  before(async () => {
    ensureBuilt();
    svc = await startService();
    host = makeOutsideHost();
    pub = publish(`rtmp://127.0.0.1:${svc.rtmpPort}/live/${svc.key}`);
    await waitFor('live', async () => (await svc.status()).state === 'live', 40_000, 200);
  });
  after(async () => {
    await pub?.stop();
    await cleanupService(svc);
    if (typeof host !== 'string') host.remove();
  });

  test('RTMP play is allowed from loopback (the transcoder needs it)', () => {
    const r = spawnSync(playArgs(`rtmp://127.0.0.1:${svc.rtmpPort}/live/envivo`)[0]!, playArgs(`rtmp://127.0.0.1:${svc.rtmpPort}/live/envivo`).slice(1), { encoding: 'utf8', timeout: 20_000 });
    assert.equal(r.status, 0, r.stderr);
  });

  test('from another host, HTTP works but RTMP play and direct publish into HLS are refused', (t) => {
    if (typeof host === 'string') {
      t.skip(`cannot build a second host here (${host}); the generated allow/deny rules are covered by the nginx config unit test`);
      return;
    }
    const h = host;
    const http = h.run(['node', '-e', `fetch('http://${h.hostIp}:${svc.httpPort}/api/v1/status').then(r=>r.json()).then(j=>console.log('STATE', j.state))`]);
    assert.match(http.out, /STATE live/, 'the outside host reaches the HTTP port (control)');

    for (const app of ['live', 'hls']) {
      const r = h.run(playArgs(`rtmp://${h.hostIp}:${svc.rtmpPort}/${app}/envivo`));
      assert.notEqual(r.code, 0, `RTMP play of ${app}/envivo from outside loopback must be refused`);
    }
    const inject = h.run(['ffmpeg', '-hide_banner', '-loglevel', 'error', '-re', '-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=10', '-t', '3', '-c:v', 'libx264', '-preset', 'ultrafast', '-f', 'flv', `rtmp://${h.hostIp}:${svc.rtmpPort}/hls/intruso`], 30_000);
    assert.notEqual(inject.code, 0, 'publishing straight into the HLS application from outside must be refused');
  });
});
