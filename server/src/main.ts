import { ConfigError, loadConfig } from './config/load.js';
import { banner } from './banner.js';
import { localPublicUrl, localPublicUrlNotice } from './config/public-url.js';
import { startPlatform, type Platform } from './platform.js';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }

  // Signals are handled from the first moment: a stop during start-up waits for it, then stops cleanly,
  // so nginx is never orphaned.
  let platform: Platform | undefined;
  let stopping = false;
  const starting = startPlatform(config);
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    starting
      .then((p) => {
        p.logger.info({ event: 'shutdown', signal }, 'shutting down');
        return p.stop();
      })
      .then(
        () => process.exit(0),
        () => process.exit(1),
      );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGHUP', () => {
    // systemctl reload / certbot's deploy hook. A bad certificate is refused by `nginx -t` and the
    // running configuration stays.
    platform?.reload().catch((err: Error) => platform?.logger.error({ event: 'reload_failed', err: err.message }, 'reload failed; the previous configuration stays'));
  });

  try {
    platform = await starting;
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const message = e.code === 'EADDRINUSE' ? `El puerto interno ${config.internalPort} ya está en uso (INTERNAL_PORT). / Internal port in use.` : e.message;
    process.stderr.write(`No se pudo iniciar / could not start: ${message}\n`);
    process.exit(1);
  }

  // Secrets generated on this start are shown once, on the terminal, never in the JSON logs.
  const { streamKey, adminPassword } = platform.generated;
  // Only on a terminal: under systemd or docker stderr is a log, and secrets never go to logs.
  if (streamKey || adminPassword) {
    if (process.stderr.isTTY) process.stderr.write(banner(config, streamKey ? [streamKey] : [], adminPassword));
    else platform.logger.warn({ event: 'secrets_generated' }, 'a stream key or admin password was generated; show them with: node dist/server/src/cli.js banner');
  } else if (process.stderr.isTTY) {
    // Without a banner, a PUBLIC_URL left at localhost is still said on the terminal (the log says it too).
    const local = localPublicUrl(config.publicUrl, config.httpPort);
    if (local) process.stderr.write(`\n${localPublicUrlNotice(config.publicUrl, local.suggestion).join('\n')}\n\n`);
  }
}

void main();
