/**
 * Test support: the load balancer of deploy/load-balancer/casadelpadre-lb.conf, run by a real nginx on
 * loopback with the example's upstream addresses replaced by the test's instances. The example file is
 * used as written (everything but the addresses and the listen port), so the test proves the example.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, ROOT, sleep, waitFor } from './platform.js';

export const LB_EXAMPLE = path.join(ROOT, 'deploy', 'load-balancer', 'casadelpadre-lb.conf');

export interface LoadBalancer {
  port: number;
  base: string;
  /** The balancer's own access log: each request with the upstream that answered it. */
  accessLog(): string;
  stop(): Promise<void>;
}

export interface LoadBalancerTargets {
  /** HTTP ports of the web instances (ROLE=web). */
  web: number[];
  /** HTTP port of the origin (ROLE=origin). */
  origin: number;
  /** Where /video/ goes: an edge cache's port; default the origin's. */
  video?: number;
  /** The balancer's own port, when the instances must know it beforehand (PUBLIC_URL); default a free one. */
  port?: number;
}

/** The example with its upstreams pointed at loopback ports, listening on `port`. Pure: exported for tests. */
export function renderExample(example: string, t: LoadBalancerTargets, port: number): string {
  const upstream = (name: string, ports: number[]) => {
    const block = new RegExp(`(upstream ${name} \\{\\n)((?:\\s*server [^\\n]*\\n)+)`);
    const match = block.exec(example);
    if (!match) throw new Error(`the example has no upstream ${name} with server lines`);
    // The example's own parameters (max_fails, fail_timeout) are kept.
    const params = /server \S+ ([^;]*);/.exec(match[2]!)?.[1] ?? '';
    example = example.replace(block, `$1${ports.map((p) => `    server 127.0.0.1:${p} ${params};\n`).join('')}`);
  };
  upstream('cdp_web', t.web);
  upstream('cdp_origin', [t.origin]);
  upstream('cdp_video', [t.video ?? t.origin]);
  if (!/\n\s*listen 80;/.test(example)) throw new Error('the example no longer listens on port 80');
  return example.replace(/\n(\s*)listen 80;/, `\n$1listen 127.0.0.1:${port};`);
}

export async function startLoadBalancer(t: LoadBalancerTargets): Promise<LoadBalancer> {
  const port = t.port ?? (await freePort());
  const prefix = mkdtempSync(path.join(os.tmpdir(), 'cdp-lb-'));
  // Running as root, nginx's workers are `nobody`: they must reach the temp folders.
  chmodSync(prefix, 0o777);
  for (const d of ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) mkdirSync(path.join(prefix, d), { mode: 0o777 });
  writeFileSync(path.join(prefix, 'casadelpadre-lb.conf'), renderExample(readFileSync(LB_EXAMPLE, 'utf8'), t, port));
  const conf = path.join(prefix, 'nginx.conf');
  writeFileSync(
    conf,
    `worker_processes 1;
pid ${prefix}/nginx.pid;
error_log ${prefix}/error.log warn;
events { worker_connections 4096; }
http {
    log_format upstream '$remote_addr "$request_method $uri" $status $upstream_addr';
    access_log ${prefix}/access.log upstream;
${['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((d) => `    ${d}_temp_path ${prefix}/${d};`).join('\n')}
    include ${prefix}/casadelpadre-lb.conf;
}
`,
  );
  execFileSync('nginx', ['-t', '-q', '-p', prefix, '-c', conf], { stdio: 'pipe' });
  const proc: ChildProcess = spawn('nginx', ['-p', prefix, '-c', conf, '-g', 'daemon off;'], { stdio: 'ignore' });
  const base = `http://127.0.0.1:${port}`;
  await waitFor('the load balancer to answer', async () => (await fetch(`${base}/healthz`)).status === 200, 10_000);
  let stopped = false;
  return {
    port,
    base,
    accessLog: () => (existsSync(path.join(prefix, 'access.log')) ? readFileSync(path.join(prefix, 'access.log'), 'utf8') : ''),
    async stop() {
      if (stopped) return;
      stopped = true;
      if (proc.exitCode === null && proc.signalCode === null) {
        const exited = new Promise((r) => proc.once('exit', r));
        proc.kill('SIGQUIT');
        await Promise.race([exited, sleep(3000)]);
        if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
      }
      rmSync(prefix, { recursive: true, force: true });
    },
  };
}
