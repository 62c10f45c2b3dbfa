import { ConfigError, loadConfig } from './config/load.js';
import { banner } from './banner.js';
import { Redactor } from './log/redactor.js';
import { KeyError } from './ingest/publish-auth.js';
import { ensureSecrets } from './app/secrets.js';
import { hashPassword, newSecret, SecretsFile } from './storage/secrets-file.js';

const USAGE = `Uso / usage:
  node dist/server/src/cli.js banner          muestra la URL de OBS, la clave y la página / prints OBS URL, key, viewer URL
  node dist/server/src/cli.js keys list       lista las claves / lists the stream keys
  node dist/server/src/cli.js keys rotate     reemplaza todas las claves por una nueva / replaces every key with a new one
  node dist/server/src/cli.js keys add        agrega una clave / adds a key
  node dist/server/src/cli.js keys revoke ID  revoca una clave / revokes a key
  node dist/server/src/cli.js admin-password  crea una contraseña de administrador nueva y la muestra / sets and prints a new admin password`;

function run(argv: string[]): number {
  const config = loadConfig();
  const { auth, generated } = ensureSecrets(config, new Redactor());
  const [cmd, sub, arg] = argv;
  if (cmd === 'banner') {
    process.stdout.write(banner(config, auth.keys().map((k) => k.key), generated.adminPassword));
    return 0;
  }
  if (cmd === 'keys' && sub === 'list') {
    for (const k of auth.keys()) process.stdout.write(`${k.id}\t${k.source}\t${k.createdAt || '-'}\t${k.key}\n`);
    return 0;
  }
  if (cmd === 'keys' && (sub === 'rotate' || sub === 'add')) {
    const key = sub === 'rotate' ? auth.rotate() : auth.add();
    process.stdout.write(`${key.id}\t${key.key}\n`);
    return 0;
  }
  if (cmd === 'admin-password') {
    if (config.adminPassword) {
      process.stderr.write('La contraseña viene de ADMIN_PASSWORD (o CONFIG_FILE): cámbiela allí. / The password comes from ADMIN_PASSWORD: change it there.\n');
      return 2;
    }
    const password = newSecret(12);
    new SecretsFile(config.dataDir).update((s) => ({ ...s, adminPasswordHash: hashPassword(password) }));
    process.stdout.write(`Contraseña de administrador / admin password: ${password}\n(las sesiones abiertas siguen hasta que expiren / open sessions last until they expire)\n`);
    return 0;
  }
  if (cmd === 'keys' && sub === 'revoke' && arg) {
    auth.revoke(arg);
    return 0;
  }
  process.stderr.write(`${USAGE}\n`);
  return 64;
}

try {
  process.exitCode = run(process.argv.slice(2));
} catch (err) {
  if (err instanceof ConfigError || err instanceof KeyError) {
    process.stderr.write(`${err.message}\n`);
    process.exitCode = 2;
  } else throw err;
}
