import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { z } from 'zod';
import { ConfigSchema, ENV_FIELDS, NESTED_ENV_FIELDS, type Config } from './schema.js';

/** A configuration that is resolved: absolute paths, a public URL, the allowed origins. */
export type ResolvedConfig = Omit<Config, 'cors'> & { publicUrl: string; dataDir: string; webRoot: string; cors: { origins: string[] } };

export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID';
  constructor(readonly problems: string[]) {
    super(`Configuración inválida / invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

const fieldToEnv = new Map<string, string>([
  ...Object.entries(ENV_FIELDS).map(([env, field]): [string, string] => [field, env]),
  ...Object.entries(NESTED_ENV_FIELDS).map(([env, [section, field]]): [string, string] => [`${section}.${field}`, env]),
]);

/**
 * Reads the configuration from the environment and an optional JSON file (CONFIG_FILE); env wins.
 * Pure apart from reading that one file: pass `env` explicitly in tests.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): ResolvedConfig {
  let fromFile: Record<string, unknown> = {};
  const file = env.CONFIG_FILE;
  if (file) {
    let text: string;
    try {
      text = readFileSync(path.resolve(cwd, file), 'utf8');
    } catch (err) {
      throw new ConfigError([`CONFIG_FILE: no se pudo leer ${file} (${(err as NodeJS.ErrnoException).code ?? 'error'})`]);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (err) {
      // JSON.parse quotes the text near the error, which may be a password: give only the position.
      const position = /position (\d+)/.exec((err as Error).message)?.[1];
      throw new ConfigError([`CONFIG_FILE: ${file} no es JSON válido${position ? ` (cerca del carácter ${position})` : ''} / is not valid JSON`]);
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new ConfigError([`CONFIG_FILE: ${file} no es JSON válido (no es un objeto)`]);
    }
    fromFile = parsed as Record<string, unknown>;
  }
  const fromEnv: Record<string, unknown> = {};
  for (const [name, field] of Object.entries(ENV_FIELDS)) {
    const value = env[name];
    if (value !== undefined && value !== '') fromEnv[field] = value;
  }
  const merged: Record<string, unknown> = { ...fromFile, ...fromEnv };
  for (const [name, [section, field]] of Object.entries(NESTED_ENV_FIELDS)) {
    const value = env[name];
    if (value === undefined || value === '') continue;
    const inFile = merged[section];
    merged[section] = { ...(typeof inFile === 'object' && inFile !== null && !Array.isArray(inFile) ? inFile : {}), [field]: value };
    fromEnv[`${section}.${field}`] = value;
  }
  const result = ConfigSchema.safeParse(merged);
  if (!result.success) throw new ConfigError(describeIssues(result.error, fromEnv));
  const config = result.data;
  const dataDir = path.resolve(cwd, config.dataDir);
  const publicUrl = (config.publicUrl ?? `http://localhost:${config.httpPort}`).replace(/\/+$/, '');
  return {
    ...config,
    dataDir,
    webRoot: path.resolve(cwd, config.webRoot),
    publicUrl,
    cors: { origins: config.cors.origins ?? [new URL(publicUrl).origin] },
    ...(config.legacyFrontend ? { legacyFrontend: { ...config.legacyFrontend, dir: path.resolve(cwd, config.legacyFrontend.dir) } } : {}),
  };
}

function describeIssues(error: z.ZodError, fromEnv: Record<string, unknown>): string[] {
  return error.issues.map((issue) => {
    const dotted = issue.path.map(String).join('.');
    const top = String(issue.path[0] ?? '');
    // A nested variable (CORS_ORIGINS → cors.origins) is named by its section and field.
    const key = fieldToEnv.has(top) ? top : issue.path.slice(0, 2).map(String).join('.');
    const env = fieldToEnv.get(key);
    const where = env && key in fromEnv ? `${env} (${dotted})` : dotted || '(raíz)';
    const message = issue.code === 'unrecognized_keys' ? `campo desconocido: ${issue.keys.join(', ')}` : issue.message;
    // Never echo secrets back, even when they are wrong.
    const secret = top === 'streamKey' || top === 'adminPassword' || top === 'sessionSecret' || top === 'redisUrl' || top === 'metricsToken';
    const received = !secret && env && key in fromEnv ? ` — recibido "${String(fromEnv[key]).slice(0, 200)}"` : '';
    return `${where}: ${message}${received}`;
  });
}
