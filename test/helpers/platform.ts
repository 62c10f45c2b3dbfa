/**
 * Test harness: runs the real built service (nginx + ffmpeg + SQLite) in a temp DATA_DIR on free ports,
 * and real ffmpeg publishers. Everything on loopback; every process is killed when the test ends.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { appendFileSync, createWriteStream, mkdtempSync, readFileSync, existsSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { WebSocket } from 'ws';

export const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');
const MAIN = path.join(ROOT, 'dist', 'server', 'src', 'main.js');

const children = new Set<ChildProcess>();
process.on('exit', () => {
  for (const c of children) c.kill('SIGKILL');
});

/** Makes sure dist/ is built from the current sources (tests run against the real entry point). */
export function ensureBuilt(): void {
  execFileSync(process.execPath, [path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', path.join(ROOT, 'tsconfig.json')], { stdio: 'inherit' });
}

/** Whether something answers on a TCP port (an origin while it is away, an RTMP listener). */
export function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function waitFor<T>(what: string, fn: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 20_000, everyMs = 100): Promise<T> {
  const end = Date.now() + timeoutMs;
  let lastErr: unknown;
  while (Date.now() < end) {
    try {
      const v = await fn();
      if (v !== undefined && v !== false) return v as T;
    } catch (err) {
      lastErr = err;
    }
    await sleep(everyMs);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastErr ? ` (last error: ${(lastErr as Error).message})` : ''}`);
}

export interface ServiceHandle {
  dataDir: string;
  key: string;
  httpPort: number;
  rtmpPort: number;
  internalPort: number;
  statPort: number;
  env: Record<string, string>;
  proc: ChildProcess;
  logFile: string;
  errFile: string;
  base: string;
  /** Starts the service again on the same data and ports (after a stop or a kill). */
  restart(): Promise<void>;
  stop(): Promise<void>;
  kill9(): void;
  status(): Promise<Status>;
  health(): Promise<any>;
  logs(): string;
}

export interface Status {
  state: 'offline' | 'starting' | 'live' | 'reconnecting';
  since: string;
  name: string;
  master: string;
  renditions: { id: string; url: string; width?: number; height?: number; bandwidth: number; ready: boolean }[];
  viewers: number;
}

export function randomKey(): string {
  const chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  return Array.from({ length: 32 }, () => chars[Math.floor(Math.random() * chars.length)]).join('');
}

export async function startService(extraEnv: Record<string, string> = {}): Promise<ServiceHandle> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'cdp-test-'));
  // A test that must know the public port beforehand (to build PUBLIC_URL from it) passes HTTP_PORT.
  const httpPort = extraEnv.HTTP_PORT ? Number(extraEnv.HTTP_PORT) : await freePort();
  const [rtmpPort, internalPort, statPort] = [await freePort(), await freePort(), await freePort()];
  const key = extraEnv.STREAM_KEY ?? randomKey();
  const env: Record<string, string> = {
    DATA_DIR: dataDir,
    HTTP_PORT: String(httpPort),
    RTMP_PORT: String(rtmpPort),
    INTERNAL_PORT: String(internalPort),
    NGINX_STAT_PORT: String(statPort),
    STREAM_KEY: key,
    LOG_LEVEL: 'info',
    ...extraEnv,
  };
  const logFile = path.join(dataDir, 'service.log');
  const errFile = path.join(dataDir, 'service.err');
  const handle: ServiceHandle = {
    dataDir,
    key,
    httpPort,
    rtmpPort,
    internalPort,
    statPort,
    env,
    proc: null as unknown as ChildProcess,
    logFile,
    errFile,
    // With a certificate configured, plain HTTP only redirects: the app is on HTTPS.
    base: env.TLS_CERT_FILE ? `https://127.0.0.1:${env.HTTPS_PORT}` : `http://127.0.0.1:${httpPort}`,
    async restart() {
      const proc = spawn(process.execPath, [MAIN], { env: { ...process.env, ...env }, cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
      children.add(proc);
      proc.on('exit', () => children.delete(proc));
      proc.stdout!.pipe(createWriteStream(logFile, { flags: 'a' }));
      proc.stderr!.pipe(createWriteStream(errFile, { flags: 'a' }));
      handle.proc = proc;
      await waitFor('the service to answer /readyz through nginx', async () => {
        if (proc.exitCode !== null) throw new Error(`service exited with ${proc.exitCode}: ${readFileSync(errFile, 'utf8').slice(-2000)}`);
        const r = await fetch(`${handle.base}/readyz`);
        return r.status === 200;
      }, 20_000);
    },
    async stop() {
      const proc = handle.proc;
      if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
      const exited = new Promise((r) => proc.once('exit', r));
      proc.kill('SIGTERM');
      await Promise.race([exited, sleep(12_000)]);
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
    },
    kill9() {
      handle.proc.kill('SIGKILL');
    },
    async status() {
      const r = await fetch(`${handle.base}/api/v1/status`);
      return (await r.json()) as Status;
    },
    async health() {
      const r = await fetch(`${handle.base}/api/v1/health`);
      return r.json();
    },
    logs() {
      return (existsSync(logFile) ? readFileSync(logFile, 'utf8') : '') + (existsSync(errFile) ? readFileSync(errFile, 'utf8') : '');
    },
  };
  recordService(dataDir, env);
  await handle.restart();
  return handle;
}

const SECRET_ENV = ['STREAM_KEY', 'ADMIN_PASSWORD', 'SESSION_SECRET', 'METRICS_TOKEN'];

/**
 * Under scripts/run-tests.mjs, every service a test starts is listed (its data folder and the secrets it
 * was given) so that test/final can read every log of the run for secrets.
 */
export function recordService(dataDir: string, env: Record<string, string>): void {
  const runDir = process.env.CDP_TEST_RUN_DIR;
  if (!runDir) return;
  const secrets = SECRET_ENV.map((k) => env[k]).filter((v): v is string => Boolean(v));
  appendFileSync(path.join(runDir, 'services.jsonl'), `${JSON.stringify({ dataDir, secrets })}\n`);
}

/** Stops the service and anything left of its two nginx instances (a killed service leaves them running on purpose). */
export async function cleanupService(s: ServiceHandle | undefined): Promise<void> {
  if (!s) return;
  await s.stop();
  for (const prefix of ['nginx', 'nginx-web']) {
    const pidFile = path.join(s.dataDir, prefix, 'nginx.pid');
    if (!existsSync(pidFile)) continue;
    const pid = Number(readFileSync(pidFile, 'utf8').trim());
    if (pid > 1) {
      try {
        process.kill(pid, 'SIGTERM');
      } catch {
        /* gone */
      }
    }
  }
}

export interface Publisher {
  proc: ChildProcess;
  stop(): Promise<void>;
  exited: Promise<number | null>;
  stderr(): string;
}

/**
 * A real RTMP publisher: testsrc2 video (or another lavfi source, `picture`, e.g. 'smptebars') + a sine
 * tone, H.264 with a 2 s GOP (or keyframeSeconds) and AAC, in real time; `audio: false`: video only, as a
 * camera without a microphone sends.
 */
export function publish(url: string, opts: { size?: string; seconds?: number; argsBefore?: string[]; command?: string[]; audio?: boolean; picture?: string; keyframeSeconds?: number } = {}): Publisher {
  const gop = String(Math.round((opts.keyframeSeconds ?? 2) * 30));
  const size = opts.size ?? '1280x720';
  const audio = opts.audio ?? true;
  const args = [
    '-hide_banner', '-loglevel', 'error', '-re',
    '-f', 'lavfi', '-i', `${opts.picture ?? 'testsrc2'}=size=${size}:rate=30`,
    ...(audio ? ['-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000'] : []),
    ...(opts.seconds ? ['-t', String(opts.seconds)] : []),
    '-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-g', gop, '-keyint_min', gop, '-b:v', '2000k',
    ...(audio ? ['-c:a', 'aac', '-b:a', '128k'] : []),
    '-f', 'flv', url,
  ];
  const [cmd, ...prefix] = opts.command ?? ['ffmpeg'];
  const proc = spawn(cmd!, [...prefix, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  children.add(proc);
  let err = '';
  proc.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((r) => proc.once('exit', (code) => {
    children.delete(proc);
    r(code);
  }));
  return {
    proc,
    exited,
    stderr: () => err,
    async stop() {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      proc.kill('SIGKILL');
      await exited;
    },
  };
}

/** Records every `status` state the websocket pushes, to prove what viewers saw. */
export async function watchStates(base: string): Promise<{ states: string[]; close(): void; socket: WebSocket }> {
  const socket = new WebSocket(`${base.replace('http', 'ws')}/ws`);
  const states: string[] = [];
  socket.on('message', (data) => {
    const msg = JSON.parse(String(data)) as { type: string; state?: string };
    if (msg.type === 'status' && msg.state) states.push(msg.state);
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  return { states, socket, close: () => socket.close() };
}

export function ffprobeJson(url: string): any {
  const out = execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'stream=codec_type,codec_name,width,height', '-of', 'json', url], { encoding: 'utf8', timeout: 20_000 });
  return JSON.parse(out);
}
