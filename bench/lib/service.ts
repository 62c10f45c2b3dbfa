/**
 * Starts the built service the way an operator would (`node dist/server/src/main.js`), on free loopback
 * ports with a fresh DATA_DIR and a known stream key, and stops it with SIGTERM.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { ChildSet, Tracked } from './children.js';
import { descendants } from './proc.js';
import { sleep } from './time.js';

export interface Ports {
  http: number;
  rtmp: number;
  internal: number;
  stat: number;
}

/** Distinct free loopback ports: all are held open together so the kernel cannot hand one out twice. */
export async function freePorts(n: number): Promise<number[]> {
  const servers: net.Server[] = [];
  try {
    for (let i = 0; i < n; i++) {
      const s = net.createServer();
      await new Promise<void>((resolve, reject) => {
        s.once('error', reject);
        s.listen(0, '127.0.0.1', () => resolve());
      });
      servers.push(s);
    }
    return servers.map((s) => (s.address() as net.AddressInfo).port);
  } finally {
    await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  }
}

/** A key matching ^[A-Za-z0-9_-]{16,128}$, 32 characters long. */
export function benchStreamKey(): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  const bytes = randomBytes(24);
  return 'benchkey' + [...bytes].map((b) => alphabet[b % alphabet.length]).join('');
}

export interface Service {
  ports: Ports;
  dataDir: string;
  key: string;
  pid: number;
  base: string;
  tracked: Tracked;
  /** The service's stdout+stderr so far (its JSON logs at LOG_LEVEL=warn), key redacted. */
  output(): string;
  /** The process tree under the service, by role. */
  tree(): { nginx: number[]; ffmpeg: number[] };
  stop(): Promise<{ ms: number; killed: boolean; leftovers: number[] }>;
}

export interface StartOptions {
  root: string;
  children: ChildSet;
  redact: (s: string) => string;
  readyTimeoutMs?: number;
  /** Extra environment for the service (e.g. LOG_LEVEL=info for the live timeline, settings overrides). */
  env?: Record<string, string>;
}

export async function startService(o: StartOptions): Promise<Service> {
  const [http, rtmp, internal, stat] = (await freePorts(4)) as [number, number, number, number];
  const ports: Ports = { http, rtmp, internal, stat };
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'cdp-bench-'));
  const key = benchStreamKey();
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    LANG: process.env.LANG,
    DATA_DIR: dataDir,
    HTTP_PORT: String(http),
    RTMP_PORT: String(rtmp),
    INTERNAL_PORT: String(internal),
    NGINX_STAT_PORT: String(stat),
    STREAM_KEY: key,
    // A fixed admin password keeps the "generated secrets" banner (which would print secrets) quiet.
    ADMIN_PASSWORD: 'bench-' + randomBytes(12).toString('hex'),
    LOG_LEVEL: 'warn',
    ...o.env,
  };
  const tracked = o.children.spawn('service', process.execPath, [path.join(o.root, 'dist/server/src/main.js')], { cwd: o.root, env });
  const pid = tracked.child.pid;
  if (pid === undefined) throw new Error('could not start the service');
  let out = '';
  const append = (c: Buffer) => {
    // Bounded: keep the last ~1 MB.
    out = (out + c.toString('utf8')).slice(-1_000_000);
  };
  tracked.child.stdout?.on('data', append);
  tracked.child.stderr?.on('data', append);

  const base = `http://127.0.0.1:${http}`;
  const deadline = Date.now() + (o.readyTimeoutMs ?? 30_000);
  let ready = false;
  while (Date.now() < deadline && tracked.child.exitCode === null) {
    try {
      // /readyz, not /api/v1/status: the status answers before the media nginx listens on RTMP, and a
      // publisher started then is refused.
      const res = await fetch(`${base}/readyz`, { signal: AbortSignal.timeout(1000) });
      if (res.ok) {
        await res.json();
        ready = true;
        break;
      }
    } catch {
      /* not yet */
    }
    await sleep(100);
  }
  if (!ready) {
    await o.children.stop(tracked, 5000);
    throw new Error(`the service was not ready (/readyz) within ${o.readyTimeoutMs ?? 30_000} ms:\n${o.redact(out).slice(-3000)}`);
  }

  const tree = () => {
    const d = descendants(pid);
    return { nginx: d.filter((p) => p.comm === 'nginx').map((p) => p.pid), ffmpeg: d.filter((p) => p.comm === 'ffmpeg').map((p) => p.pid) };
  };

  return {
    ports,
    dataDir,
    key,
    pid,
    base,
    tracked,
    output: () => o.redact(out),
    tree,
    async stop() {
      o.children.rememberDescendants(pid);
      const r = await o.children.stop(tracked, 15_000);
      // The service should have stopped nginx and ffmpeg itself; give stragglers a moment, then report.
      for (let i = 0; i < 20 && o.children.leftovers().length > 0; i++) await sleep(100);
      const leftovers = o.children.leftovers();
      if (leftovers.length > 0) o.children.killAllSync();
      return { ...r, leftovers };
    },
  };
}

export interface LogSummary {
  /** JSON log lines by pino level name. */
  byLevel: Record<string, number>;
  /** warn+ lines by their `event` field (ffmpeg and nginx stderr lines arrive as event "ffmpeg"/"nginx"). */
  byEvent: Record<string, number>;
  /** Up to 8 distinct warn+ lines (message and line/err), key already redacted. */
  sample: string[];
  /** Lines that were not JSON (e.g. a crash trace). */
  other: string[];
}

const LEVELS: Record<number, string> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' };

/** What the service said at LOG_LEVEL=warn, condensed for the report. */
export function summarizeLogs(output: string): LogSummary {
  const s: LogSummary = { byLevel: {}, byEvent: {}, sample: [], other: [] };
  const seen = new Set<string>();
  for (const line of output.split('\n')) {
    if (!line.trim()) continue;
    let j: Record<string, unknown>;
    try {
      j = JSON.parse(line) as Record<string, unknown>;
    } catch {
      if (s.other.length < 8) s.other.push(line.slice(0, 300));
      continue;
    }
    const level = LEVELS[Number(j.level)] ?? String(j.level);
    s.byLevel[level] = (s.byLevel[level] ?? 0) + 1;
    if (Number(j.level) < 40) continue;
    const event = String(j.event ?? j.msg ?? '?');
    s.byEvent[event] = (s.byEvent[event] ?? 0) + 1;
    const text = `${level} ${event}: ${String(j.line ?? j.err ?? j.msg ?? '')}`.replace(/\b\d+(\.\d+)?\b/g, 'N').slice(0, 240);
    if (!seen.has(text) && s.sample.length < 8) {
      seen.add(text);
      s.sample.push(`${level} ${event}: ${String(j.line ?? j.err ?? j.msg ?? '')}`.slice(0, 300));
    }
  }
  return s;
}

export function removeDataDir(dir: string): void {
  if (path.basename(dir).startsWith('cdp-bench-')) rmSync(dir, { recursive: true, force: true });
}
