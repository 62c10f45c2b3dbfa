/**
 * Test support: a throw-away redis-server on a free loopback port, no persistence, in its own temp dir.
 * Used by the chat adapter contract tests and the integration tests; never by the service itself.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export interface TestRedis {
  url: string;
  port: number;
  /** Kills the server and removes its directory. Safe to call more than once. */
  stop(): Promise<void>;
}

export interface StartRedisOptions {
  /** The redis-server binary; default `$REDIS_SERVER` or `redis-server` on the PATH. */
  binary?: string;
  /** How long to wait for PING to answer; default 10 s. */
  readyTimeoutMs?: number;
  /** A given port (to start a server again where the services expect it); default a free one. */
  port?: number;
  /**
   * Keep the data in this folder, written to disk before each command is answered (appendonly, fsync
   * always): a restarted server has every acknowledged write. The folder is the caller's; it is kept.
   */
  persistDir?: string;
}

/** Each running server and its directory. */
const running = new Map<ChildProcess, string>();
const killAll = () => {
  for (const [child, dir] of running) {
    child.kill('SIGKILL');
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
};
// A crashed test run must not leave servers behind ('exit' covers normal ends and uncaught errors).
process.on('exit', killAll);
// A run interrupted by a signal skips 'exit': kill the servers, then let the signal do what it would have.
const onSignal = (signal: NodeJS.Signals) => {
  killAll();
  untrackSignals();
  process.kill(process.pid, signal);
};
const trackSignals = () => {
  if (running.size > 0) return;
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
};
const untrackSignals = () => {
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** One raw PING over RESP; true when the server answers +PONG. */
function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    let answer = '';
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      answer += chunk.toString('utf8');
      if (answer.includes('\r\n')) done(answer.startsWith('+PONG'));
    });
  });
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

async function startOnce(binary: string, readyTimeoutMs: number, options: StartRedisOptions): Promise<TestRedis> {
  const port = options.port ?? (await freePort());
  const dir = options.persistDir ?? mkdtempSync(path.join(os.tmpdir(), 'cdp-redis-'));
  const persistence = options.persistDir ? ['--appendonly', 'yes', '--appendfsync', 'always'] : ['--appendonly', 'no'];
  const child = spawn(binary, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', ...persistence, '--dir', dir], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  trackSignals();
  // A persistent folder is the caller's: not removed with the server.
  running.set(child, options.persistDir ? '' : dir);
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let spawnError: Error | undefined;
  child.once('error', (err) => {
    spawnError = err;
  });

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited(child);
      clearTimeout(timer);
    }
    running.delete(child);
    if (running.size === 0) untrackSignals();
    if (!options.persistDir) rmSync(dir, { recursive: true, force: true });
  };

  const deadline = Date.now() + readyTimeoutMs;
  for (;;) {
    if (spawnError) {
      await stop();
      throw new Error(`could not start ${binary}: ${spawnError.message}`);
    }
    if (child.exitCode !== null || child.signalCode !== null) {
      await stop();
      throw new Error(`redis-server exited early (${child.exitCode ?? child.signalCode}) on port ${port}:\n${output}`);
    }
    if (await ping(port)) return { url: `redis://127.0.0.1:${port}`, port, stop };
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`redis-server on port ${port} did not answer PING within ${readyTimeoutMs} ms:\n${output}`);
    }
    await sleep(50);
  }
}

/**
 * Starts redis-server and resolves once it answers PING. The free port is found by binding port 0 and
 * releasing it, so another process can take it in between: an early exit is retried on a new port.
 */
export async function startRedis(options: StartRedisOptions = {}): Promise<TestRedis> {
  const binary = options.binary ?? process.env.REDIS_SERVER ?? 'redis-server';
  const readyTimeoutMs = options.readyTimeoutMs ?? 10_000;
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt += 1) {
    try {
      return await startOnce(binary, readyTimeoutMs, options);
    } catch (err) {
      lastError = err;
      if (options.port !== undefined || !(err instanceof Error) || !err.message.includes('exited early')) break;
    }
  }
  throw lastError;
}
