import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import type { Logger } from '../log/logger.js';
import type { Redactor } from '../log/redactor.js';
import { isAlive, signal } from './processes.js';

const execFileAsync = promisify(execFile);

export class NginxError extends Error {
  constructor(
    readonly code: 'NGINX_CONFIG_INVALID' | 'NGINX_PORT_IN_USE' | 'NGINX_PORT_DENIED' | 'NGINX_NOT_FOUND' | 'NGINX_START_FAILED',
    message: string,
  ) {
    super(message);
  }
}

export interface NginxProcessOptions {
  binary: string;
  prefix: string;
  conf: string;
  pidFile: string;
  /** Ports nginx will listen on, checked before starting so a busy port gets a clear message. */
  ports: { port: number; host?: string; what: string }[];
  logger: Logger;
  redactor: Redactor;
  maxRestartDelayMs?: number;
}

/**
 * nginx as a supervised child: started with its own prefix, config and pid file, restarted with backoff
 * when it dies, reloaded with SIGHUP, stopped with SIGQUIT (then harder). An nginx left running by a
 * previous service process (kill -9 of the service) is adopted, so HLS keeps being served across it.
 */
export class NginxProcess {
  private child: ChildProcess | null = null;
  private adoptedPid: number | null = null;
  private watch: NodeJS.Timeout | null = null;
  private restartTimer: NodeJS.Timeout | null = null;
  private stopping = false;
  private delay = 500;
  restarts = 0;

  constructor(private readonly o: NginxProcessOptions) {}

  get pid(): number | null {
    return this.child?.pid ?? this.adoptedPid;
  }

  up(): boolean {
    const pid = this.pid;
    return pid !== null && isAlive(pid);
  }

  /** `nginx -t` on the generated config; throws with nginx's own message when it is invalid. */
  async test(): Promise<void> {
    try {
      await execFileAsync(this.o.binary, ['-t', '-q', '-p', this.o.prefix, '-c', this.o.conf, '-e', 'stderr'], { timeout: 15_000 });
    } catch (err) {
      const e = err as NodeJS.ErrnoException & { stderr?: string };
      if (e.code === 'ENOENT') throw new NginxError('NGINX_NOT_FOUND', `No se encontró nginx en ${this.o.binary}. Instale nginx y libnginx-mod-rtmp (make start lo hace).`);
      throw new NginxError('NGINX_CONFIG_INVALID', `La configuración de nginx no es válida: ${this.o.redactor.redact((e.stderr ?? e.message).trim())}`);
    }
  }

  /**
   * Starts nginx, or adopts the one a killed service left running. An adopted nginx is reloaded only when
   * its config changed: a reload moves new connections to a fresh worker while the publisher stays on the
   * old one, and nginx-rtmp's /stat, relays and players then no longer see that stream.
   */
  async start(configChanged = true): Promise<void> {
    this.stopping = false;
    const existing = this.runningFromPidFile();
    if (existing !== null) {
      this.adoptedPid = existing;
      if (configChanged) process.kill(existing, 'SIGHUP');
      this.o.logger.info({ event: 'nginx_adopted', pid: existing, reloaded: configChanged }, 'nginx already running from a previous start; adopted');
      this.watchAdopted();
      return;
    }
    if (existsSync(this.o.pidFile) && readFileSync(this.o.pidFile, 'utf8').trim() !== '') {
      this.o.logger.warn({ event: 'nginx_stale_pid', file: this.o.pidFile }, 'removing stale nginx pid file');
      rmSync(this.o.pidFile, { force: true });
    }
    for (const p of this.o.ports) await assertPortFree(p.port, p.host, p.what);
    await this.spawnChild();
  }

  reload(): void {
    const pid = this.pid;
    if (pid !== null) process.kill(pid, 'SIGHUP');
  }

  /** Begins a graceful stop without waiting: nginx closes its listeners and finishes what is in flight. */
  quit(): void {
    this.stopping = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    const pid = this.pid;
    if (pid !== null) signal(pid, 'SIGQUIT');
  }

  async stop(timeoutMs = 5000): Promise<void> {
    this.stopping = true;
    if (this.watch) clearInterval(this.watch);
    if (this.restartTimer) clearTimeout(this.restartTimer);
    const pid = this.pid;
    if (pid === null || !isAlive(pid)) return;
    signal(pid, 'SIGQUIT');
    // nginx-rtmp keeps a worker alive while a publisher is connected: escalate.
    if (await waitForExit(pid, timeoutMs / 2)) return;
    signal(pid, 'SIGTERM');
    if (await waitForExit(pid, timeoutMs / 2)) return;
    signal(pid, 'SIGKILL');
    await waitForExit(pid, 1000);
    killOrphanWorkers(pid);
  }

  private runningFromPidFile(): number | null {
    if (!existsSync(this.o.pidFile)) return null;
    const pid = Number.parseInt(readFileSync(this.o.pidFile, 'utf8').trim(), 10);
    if (!Number.isInteger(pid) || pid <= 1 || !isAlive(pid)) return null;
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      return cmdline.includes('nginx') && cmdline.includes(this.o.prefix) ? pid : null;
    } catch {
      return null;
    }
  }

  private async spawnChild(): Promise<void> {
    const log = this.o.logger;
    // Its own process group: when the master dies (kill -9), its workers would live on holding the ports;
    // the group lets us end them too before starting a new master.
    const child = spawn(this.o.binary, ['-p', this.o.prefix, '-c', this.o.conf, '-e', 'stderr'], { stdio: ['ignore', 'ignore', 'pipe'], detached: true });
    this.child = child;
    this.adoptedPid = null;
    createInterface({ input: child.stderr! }).on('line', (line) => {
      if (line.trim()) log.warn({ event: 'nginx', line: this.o.redactor.redact(line) }, 'nginx');
    });
    const started = await new Promise<boolean>((resolve) => {
      const ok = setTimeout(() => resolve(true), 400);
      child.once('error', () => resolve(false));
      child.once('exit', () => {
        clearTimeout(ok);
        resolve(false);
      });
    });
    if (!started) {
      this.child = null;
      if (child.pid) killOrphanWorkers(child.pid);
      throw new NginxError('NGINX_START_FAILED', 'nginx no pudo iniciar; vea el mensaje de nginx arriba / nginx failed to start; see its message above');
    }
    child.once('exit', (code, sig) => this.onExit(code, sig));
    log.info({ event: 'nginx_started', pid: child.pid }, 'nginx started');
    setTimeout(() => {
      if (this.child === child) this.delay = 500;
    }, 30_000).unref();
  }

  private watchAdopted(): void {
    this.watch = setInterval(() => {
      if (this.adoptedPid !== null && !isAlive(this.adoptedPid)) {
        clearInterval(this.watch!);
        this.watch = null;
        this.onExit(null, 'unknown');
      }
    }, 1000);
  }

  private onExit(code: number | null, sig: string | null): void {
    const pid = this.child?.pid ?? this.adoptedPid;
    if (pid) killOrphanWorkers(pid);
    this.child = null;
    this.adoptedPid = null;
    if (this.stopping) return;
    this.restarts += 1;
    this.o.logger.error({ event: 'nginx_exited', code, signal: sig, restartInMs: this.delay }, 'nginx exited; restarting');
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      rmSync(this.o.pidFile, { force: true });
      this.spawnChild().catch((err: Error) => {
        this.o.logger.error({ event: 'nginx_restart_failed', err: err.message }, 'nginx restart failed');
        this.onExit(null, null);
      });
    }, this.delay);
    this.delay = Math.min(this.delay * 2, this.o.maxRestartDelayMs ?? 10_000);
  }
}

/**
 * Ends what is left of the process group a dead nginx master led (its workers). nginx masters we start
 * lead their own group, so the group id is the master's pid; a group that is gone is no error.
 */
function killOrphanWorkers(masterPid: number): void {
  signal(-masterPid, 'SIGKILL');
}

async function waitForExit(pid: number, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (!isAlive(pid)) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return !isAlive(pid);
}

export async function assertPortFree(port: number, host: string | undefined, what: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const server = net.createServer();
    server.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EADDRINUSE') {
        reject(new NginxError('NGINX_PORT_IN_USE', `El puerto ${port} (${what}) ya está en uso por otro proceso. Deténgalo o elija otro puerto. / Port ${port} (${what}) is already in use.`));
      } else if (err.code === 'EACCES') {
        reject(new NginxError('NGINX_PORT_DENIED', `Sin permiso para usar el puerto ${port} (${what}); los puertos < 1024 requieren CAP_NET_BIND_SERVICE. / No permission for port ${port}.`));
      } else reject(err);
    });
    server.listen({ port, host: host ?? '0.0.0.0', exclusive: true }, () => server.close(() => resolve()));
  });
}
