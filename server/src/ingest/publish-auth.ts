import { timingSafeEqual, createHash } from 'node:crypto';
import { newSecret, type SecretsFile, type StoredKey } from '../storage/secrets-file.js';
import type { Redactor } from '../log/redactor.js';

export interface PublishKey {
  id: string;
  createdAt: string;
  /** "env" keys come from STREAM_KEY and cannot be rotated from here. */
  source: 'env' | 'file';
  key: string;
}

export class KeyError extends Error {
  constructor(readonly code: 'KEY_NOT_FOUND' | 'KEY_LAST' | 'KEY_FROM_ENV', message: string) {
    super(message);
  }
}

const digest = (s: string) => createHash('sha256').update(s).digest();

/**
 * Decides who may publish. Keys live in the secrets file (several may exist) plus STREAM_KEY.
 * Checking happens only when a publisher connects, so rotating a key refuses the old one from then on
 * without cutting a publisher that is already live.
 */
export class PublishAuth {
  constructor(
    private readonly secrets: SecretsFile,
    private readonly envKey: string | undefined,
    private readonly redactor: Redactor,
  ) {
    redactor.add(envKey);
  }

  /** Makes sure a key exists. Returns the key when it was generated now, so it can be printed once. */
  ensureKey(now = new Date()): string | null {
    const current = this.secrets.read();
    current.streamKeys.forEach((k) => this.redactor.add(k.key));
    if (this.envKey || current.streamKeys.length > 0) return null;
    const created = this.add(now);
    return created.key;
  }

  keys(): PublishKey[] {
    const fromFile = this.secrets.read().streamKeys.map((k): PublishKey => ({ ...k, source: 'file' }));
    fromFile.forEach((k) => this.redactor.add(k.key));
    const env: PublishKey[] = this.envKey ? [{ id: 'env', createdAt: '', source: 'env', key: this.envKey }] : [];
    return [...env, ...fromFile];
  }

  /** Constant-time comparison against every valid key. */
  check(candidate: string): boolean {
    const c = digest(candidate);
    let ok = false;
    for (const k of this.keys()) ok = timingSafeEqual(c, digest(k.key)) || ok;
    return ok;
  }

  add(now = new Date()): StoredKey {
    const key: StoredKey = { id: newSecret(6), key: newSecret(), createdAt: now.toISOString() };
    this.redactor.add(key.key);
    this.secrets.update((s) => ({ ...s, streamKeys: [...s.streamKeys, key] }));
    return key;
  }

  /** Replaces every stored key with one new key. */
  rotate(now = new Date()): StoredKey {
    if (this.envKey) throw new KeyError('KEY_FROM_ENV', 'La clave viene de STREAM_KEY; cámbiela allí / the key is set by STREAM_KEY; change it there');
    const key: StoredKey = { id: newSecret(6), key: newSecret(), createdAt: now.toISOString() };
    this.redactor.add(key.key);
    this.secrets.update((s) => ({ ...s, streamKeys: [key] }));
    return key;
  }

  revoke(id: string): void {
    const current = this.secrets.read();
    if (!current.streamKeys.some((k) => k.id === id)) throw new KeyError('KEY_NOT_FOUND', `No existe la clave ${id} / no key ${id}`);
    if (current.streamKeys.length === 1 && !this.envKey) throw new KeyError('KEY_LAST', 'No se puede revocar la única clave / cannot revoke the only key');
    this.secrets.write({ ...current, streamKeys: current.streamKeys.filter((k) => k.id !== id) });
  }
}
