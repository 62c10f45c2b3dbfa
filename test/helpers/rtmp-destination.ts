import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { freePort, listening, sleep, waitFor } from './platform.js';

const MODULES = '/usr/lib/nginx/modules';

/** A self-signed certificate made with openssl, for an RTMPS endpoint. */
export function makeCertificate(dir: string, cn: string): { cert: string; key: string } {
  const cert = path.join(dir, `${cn}.crt`);
  const key = path.join(dir, `${cn}.key`);
  const r = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '3', '-subj', `/CN=${cn}`, '-keyout', key, '-out', cert], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return { cert, key };
}

export interface Destination {
  /** Plain RTMP: rtmp://127.0.0.1:PORT/app */
  rtmpUrl: string;
  /** RTMPS (TLS terminated by nginx's stream module in front of the same application). */
  rtmpsUrl: string;
  rtmpPort: number;
  /** Names the destination's `on_publish` answers 403 to. */
  refused: Set<string>;
  /** Keys that were published with (on_publish calls, in order). */
  publishes: string[];
  pid(): number | undefined;
  start(): Promise<void>;
  kill9(): void;
  stop(): Promise<void>;
  errorLog(): string;
}

/**
 * A second nginx-rtmp standing in for YouTube or Facebook: `application app` takes publishes (checked by an
 * `on_publish` http server of the test, which answers 403 to refused keys) and lets anyone play them, and
 * an RTMPS listener (Debian's libnginx-mod-stream, self-signed certificate) forwards to it.
 * One process (`master_process off`) so that kill -9 really takes the destination down.
 */
export async function startDestination(): Promise<Destination> {
  const prefix = mkdtempSync(path.join(os.tmpdir(), 'cdp-dest-'));
  mkdirSync(path.join(prefix, 'logs'), { recursive: true });
  const { cert, key } = makeCertificate(prefix, 'destino.test');
  const [rtmpPort, tlsPort] = [await freePort(), await freePort()];
  const refused = new Set<string>();
  const publishes: string[] = [];
  const auth = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      const name = new URLSearchParams(body).get('name') ?? '';
      publishes.push(name);
      res.writeHead(refused.has(name) ? 403 : 200).end();
    });
  });
  await new Promise<void>((r) => auth.listen(0, '127.0.0.1', r));
  const authPort = (auth.address() as { port: number }).port;
  const conf = path.join(prefix, 'nginx.conf');
  writeFileSync(
    conf,
    `load_module ${MODULES}/ngx_rtmp_module.so;
load_module ${MODULES}/ngx_stream_module.so;
daemon off;
master_process off;
error_log ${prefix}/logs/error.log warn;
pid ${prefix}/nginx.pid;
events { worker_connections 256; }
rtmp {
    server {
        listen 127.0.0.1:${rtmpPort};
        chunk_size 4096;
        application app {
            live on;
            on_publish http://127.0.0.1:${authPort}/on_publish;
        }
    }
}
stream {
    server {
        listen 127.0.0.1:${tlsPort} ssl;
        ssl_certificate ${cert};
        ssl_certificate_key ${key};
        proxy_pass 127.0.0.1:${rtmpPort};
    }
}
`,
  );
  let proc: ChildProcess | null = null;
  const d: Destination = {
    rtmpUrl: `rtmp://127.0.0.1:${rtmpPort}/app`,
    rtmpsUrl: `rtmps://127.0.0.1:${tlsPort}/app`,
    rtmpPort,
    refused,
    publishes,
    pid: () => proc?.pid,
    async start() {
      const test = spawnSync('/usr/sbin/nginx', ['-p', prefix, '-c', conf, '-e', `${prefix}/logs/error.log`, '-t'], { encoding: 'utf8' });
      assert.equal(test.status, 0, test.stderr);
      const p = spawn('/usr/sbin/nginx', ['-p', prefix, '-c', conf, '-e', `${prefix}/logs/error.log`], { stdio: 'ignore' });
      proc = p;
      await waitFor('the destination nginx to listen', async () => {
        if (p.exitCode !== null) throw new Error(`destination nginx exited: ${d.errorLog().slice(-500)}`);
        return (await listening(rtmpPort)) && (await listening(tlsPort));
      }, 10_000);
    },
    kill9() {
      proc?.kill('SIGKILL');
      proc = null;
    },
    async stop() {
      const p = proc;
      proc = null;
      if (p && p.exitCode === null) {
        const exited = new Promise((r) => p.once('exit', r));
        p.kill('SIGKILL');
        await Promise.race([exited, sleep(3000)]);
      }
      auth.close();
      rmSync(prefix, { recursive: true, force: true });
    },
    errorLog: () => {
      try {
        return readFileSync(path.join(prefix, 'logs', 'error.log'), 'utf8');
      } catch {
        return '';
      }
    },
  };
  await d.start();
  return d;
}

