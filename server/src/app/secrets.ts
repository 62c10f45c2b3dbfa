import type { ResolvedConfig } from '../config/load.js';
import { PublishAuth } from '../ingest/publish-auth.js';
import type { Redactor } from '../log/redactor.js';
import { hashPassword, newSecret, SecretsFile } from '../storage/secrets-file.js';

/**
 * Makes sure the installation's secrets exist. Returns the ones generated now (to be shown once) — also
 * used by the CLI so that `make start` can print them before the service starts.
 */
export function ensureSecrets(config: ResolvedConfig, redactor: Redactor) {
  const secrets = new SecretsFile(config.dataDir);
  const auth = new PublishAuth(secrets, config.streamKey, redactor);
  const generated: { streamKey?: string; adminPassword?: string } = {};
  const key = auth.ensureKey();
  if (key) generated.streamKey = key;
  redactor.add(config.adminPassword);
  let current = secrets.read();
  if (!current.adminPasswordHash && !config.adminPassword) {
    const password = newSecret(12);
    redactor.add(password);
    current = secrets.update((s) => ({ ...s, adminPasswordHash: hashPassword(password) }));
    generated.adminPassword = password;
  }
  if (!current.callbackToken) current = secrets.update((s) => ({ ...s, callbackToken: newSecret() }));
  if (!current.sessionSecret) current = secrets.update((s) => ({ ...s, sessionSecret: newSecret(32) }));
  redactor.add(current.callbackToken);
  redactor.add(config.sessionSecret);
  return { secrets, auth, generated, callbackToken: current.callbackToken!, sessionSecret: config.sessionSecret ?? current.sessionSecret! };
}

export type Secrets = ReturnType<typeof ensureSecrets>;
