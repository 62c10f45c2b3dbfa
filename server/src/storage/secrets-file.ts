import { randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

const StoredKeySchema = z.object({ id: z.string(), key: z.string(), createdAt: z.string() });
const SecretsSchema = z.object({
  streamKeys: z.array(StoredKeySchema).default([]),
  adminPasswordHash: z.string().optional(),
  /** Shared secret nginx puts in its callback URLs, so only our nginx can call them. */
  callbackToken: z.string().optional(),
  /** Signs viewer cookies when SESSION_SECRET is not set. */
  sessionSecret: z.string().optional(),
});

export type StoredKey = z.infer<typeof StoredKeySchema>;
export type Secrets = z.infer<typeof SecretsSchema>;

/** A new random secret, URL-safe: 24 bytes → 32 characters. */
export function newSecret(bytes = 24): string {
  return randomBytes(bytes).toString('base64url');
}

export function hashPassword(password: string): string {
  const salt = randomBytes(16);
  const hash = scryptSync(password, salt, 32);
  return `scrypt$${salt.toString('base64url')}$${hash.toString('base64url')}`;
}

export function verifyPassword(password: string, stored: string): boolean {
  const [scheme, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const actual = scryptSync(password, Buffer.from(salt, 'base64url'), expected.length);
  return timingSafeEqual(actual, expected);
}

/**
 * The generated secrets of one installation, in DATA_DIR/secrets.json (mode 0600).
 * Read on every use so that a key rotated by the CLI takes effect in the running service.
 */
export class SecretsFile {
  readonly file: string;
  constructor(dataDir: string) {
    this.file = path.join(dataDir, 'secrets.json');
  }

  read(): Secrets {
    if (!existsSync(this.file)) return SecretsSchema.parse({});
    const parsed = SecretsSchema.safeParse(JSON.parse(readFileSync(this.file, 'utf8')));
    if (!parsed.success) throw new Error(`${this.file} está dañado: ${parsed.error.issues[0]?.message ?? ''}`);
    return parsed.data;
  }

  write(secrets: Secrets): void {
    mkdirSync(path.dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(tmp, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600 });
    chmodSync(tmp, 0o600);
    renameSync(tmp, this.file);
  }

  update(change: (s: Secrets) => Secrets): Secrets {
    const next = change(this.read());
    this.write(next);
    return next;
  }
}
