import { execFile } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { promisify } from 'node:util';
import type { Logger } from '../log/logger.js';
import type { Redactor } from '../log/redactor.js';
import { commandLine, isAlive, signal } from '../process/processes.js';
import { StartError, Supervisor } from '../process/supervisor.js';

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
  private readonly supervisor: Supervisor;

  constructor(private readonly o: NginxProcessOptions) {
    this.supervisor = new Supervisor({
      name: 'nginx',
      binary: o.binary,
      logger: o.logger,
      redactor: o.redactor,
      stderrEvent: 'nginx',
      // Its own process group: when the master dies (kill -9), its workers would live on holding the
      // ports; the group lets us end them too before starting a new master.
      ownGroup: true,
      // nginx-rtmp keeps a worker alive while a publisher is connected: escalate.
      stopSignals: ['SIGQUIT', 'SIGTERM'],
      restartDelayMs: 500,
      maxRestartDelayMs: o.maxRestartDelayMs ?? 10_000,
      stableAfterMs: 30_000,
      confirmAfterMs: 400,
      afterExit: (pid) => killOrphanWorkers(pid),
    });
    this.supervisor.on('started', ({ pid, adopted }) => {
      if (!adopted) o.logger.info({ event: 'nginx_started', pid }, 'nginx started');
    });
    this.supervisor.on('exited', ({ code, signal: sig, restartInMs }) => {
      if (restartInMs === undefined) return;
      // A master killed hard leaves its pid file behind: the new one must not take it for a running nginx.
      rmSync(this.o.pidFile, { force: true });
      o.logger.error({ event: 'nginx_exited', code, signal: sig, restartInMs }, 'nginx exited; restarting');
    });
    this.supervisor.on('gave-up', ({ error }) => o.logger.error({ event: 'nginx_restart_failed', err: error }, 'nginx restart failed'));
  }

  get pid(): number | null {
    return this.supervisor.pid;
  }

  get restarts(): number {
    return this.supervisor.restarts;
  }

  up(): boolean {
    return this.supervisor.up();
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
    const existing = this.runningFromPidFile();
    if (existing !== null) {
      if (configChanged) process.kill(existing, 'SIGHUP');
      this.o.logger.info({ event: 'nginx_adopted', pid: existing, reloaded: configChanged }, 'nginx already running from a previous start; adopted');
      this.supervisor.adopt(existing, { pollMs: 1000, args: this.args() });
      return;
    }
    if (existsSync(this.o.pidFile) && readFileSync(this.o.pidFile, 'utf8').trim() !== '') {
      this.o.logger.warn({ event: 'nginx_stale_pid', file: this.o.pidFile }, 'removing stale nginx pid file');
      rmSync(this.o.pidFile, { force: true });
    }
    for (const p of this.o.ports) await assertPortFree(p.port, p.host, p.what);
    try {
      await this.supervisor.run(this.args());
    } catch (err) {
      if (!(err instanceof StartError)) throw err;
      this.supervisor.release();
      throw new NginxError('NGINX_START_FAILED', 'nginx no pudo iniciar; vea el mensaje de nginx arriba / nginx failed to start; see its message above');
    }
  }

  reload(): void {
    this.supervisor.signal('SIGHUP');
  }

  /** Begins a graceful stop without waiting: nginx closes its listeners and finishes what is in flight. */
  quit(): void {
    this.supervisor.release();
    this.supervisor.signal('SIGQUIT');
  }

  async stop(timeoutMs = 5000): Promise<void> {
    await this.supervisor.stop(timeoutMs);
  }

  private args(): string[] {
    return ['-p', this.o.prefix, '-c', this.o.conf, '-e', 'stderr'];
  }

  private runningFromPidFile(): number | null {
    if (!existsSync(this.o.pidFile)) return null;
    const pid = Number.parseInt(readFileSync(this.o.pidFile, 'utf8').trim(), 10);
    if (!Number.isInteger(pid) || pid <= 1 || !isAlive(pid)) return null;
    const cmdline = commandLine(pid)?.join(' ') ?? '';
    return cmdline.includes('nginx') && cmdline.includes(this.o.prefix) ? pid : null;
  }
}

/**
 * Ends what is left of the process group a dead nginx master led (its workers). nginx masters we start
 * lead their own group, so the group id is the master's pid; a group that is gone is no error.
 */
function killOrphanWorkers(masterPid: number): void {
  signal(-masterPid, 'SIGKILL');
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
