/**
 * A real nginx edge cache from deploy/edge/casadelpadre-edge.conf.template, as this test's own child
 * process: its own prefix, cache, temp folders and logs under `dir`, listening on loopback `port`. The
 * template is filled exactly as the README's envsubst line does (only the ${CDP_…} names), and wrapped in a
 * minimal main nginx.conf standing in for Debian's.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { workerUserFor } from '../../server/src/nginx/nginx-user.js';
import { listening, ROOT, waitFor } from './platform.js';

export { listening };

export const EDGE_TEMPLATE = path.join(ROOT, 'deploy', 'edge', 'casadelpadre-edge.conf.template');
const NGINX = '/usr/sbin/nginx';

export interface EdgeOptions {
  /** The origin (or a load balancer in front of it), e.g. http://127.0.0.1:8080 */
  originUrl: string;
  port: number;
  /** An empty folder of this test's: prefix, cache, temp and logs. */
  dir: string;
  cacheSize?: string;
  /** Connections per worker (the benchmark raises it). */
  connections?: number;
}

export interface EdgeHandle {
  url: string;
  conf: string;
  accessLog: string;
  errorLog: string;
  proc: ChildProcess;
  stop(): Promise<void>;
}

/** The template with its ${CDP_…} values filled; fails on a value it does not know (a typo in the template). */
export function renderEdgeTemplate(values: Record<string, string>, template = readFileSync(EDGE_TEMPLATE, 'utf8')): string {
  const out = template.replace(/\$\{(CDP_[A-Z_]+)\}/g, (whole, name: string) => {
    const v = values[name];
    if (v === undefined) throw new Error(`the edge template needs ${name}`);
    return v;
  });
  return out;
}

export async function startEdge(o: EdgeOptions): Promise<EdgeHandle> {
  const dir = path.resolve(o.dir);
  const temp = path.join(dir, 'temp');
  for (const d of [dir, temp, path.join(dir, 'cache'), path.join(dir, 'logs')]) mkdirSync(d, { recursive: true });
  // mkdtemp folders are private; nginx's workers (nobody, when the test runs as root) must enter them.
  chmodSync(dir, 0o755);
  const user = workerUserFor([dir], [path.join(dir, 'cache'), temp]);
  const accessLog = path.join(dir, 'logs', 'access.log');
  const errorLog = path.join(dir, 'logs', 'error.log');
  const snippet = path.join(dir, 'casadelpadre-edge.conf');
  writeFileSync(snippet, renderEdgeTemplate({
    CDP_ORIGIN: o.originUrl,
    CDP_EDGE_LISTEN: `127.0.0.1:${o.port}`,
    CDP_EDGE_CACHE: path.join(dir, 'cache'),
    CDP_EDGE_CACHE_SIZE: o.cacheSize ?? '1g',
    CDP_EDGE_LOG: accessLog,
  }));
  const connections = o.connections ?? 4096;
  const conf = path.join(dir, 'nginx.conf');
  writeFileSync(conf, `${user ? `user ${user.user} ${user.group};\n` : ''}daemon off;
master_process on;
worker_processes 2;
worker_rlimit_nofile ${connections * 2 + 1024};
pid ${path.join(dir, 'nginx.pid')};
error_log ${errorLog} warn;
events {
    worker_connections ${connections};
}
http {
    types {
        application/vnd.apple.mpegurl m3u8;
        video/mp2t ts;
    }
    default_type application/octet-stream;
${['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `    ${t}_temp_path ${path.join(temp, t)};`).join('\n')}
    include ${snippet};
}
`);
  execFileSync(NGINX, ['-t', '-q', '-p', dir, '-e', errorLog, '-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
  const proc = spawn(NGINX, ['-p', dir, '-e', errorLog, '-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  proc.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));
  process.once('exit', () => proc.kill('SIGKILL'));
  const url = `http://127.0.0.1:${o.port}`;
  await waitFor('the edge nginx to listen', async () => {
    if (proc.exitCode !== null) throw new Error(`edge nginx exited: ${stderr}${existsSync(errorLog) ? readFileSync(errorLog, 'utf8') : ''}`);
    return (await fetch(`${url}/healthz`)).status === 200;
  }, 10_000);
  return {
    url,
    conf,
    accessLog,
    errorLog,
    proc,
    async stop() {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      proc.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
    },
  };
}

