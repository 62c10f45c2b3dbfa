/**
 * The bench measures the built service. It builds it (tsc) when dist is missing or older than any source
 * file, so `npm run bench` on a fresh checkout or after an edit measures the code that is there.
 */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

function newestMtime(dir: string, depth = 0): number {
  let newest = 0;
  if (depth > 12) return newest;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, newestMtime(p, depth + 1));
    else if (e.name.endsWith('.ts') && !e.name.endsWith('.test.ts')) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

export interface BuildResult {
  built: boolean;
  reason: string;
  ok: boolean;
  ms: number;
  output?: string;
}

export async function ensureBuilt(root: string): Promise<BuildResult> {
  const main = path.join(root, 'dist/server/src/main.js');
  const sources = Math.max(newestMtime(path.join(root, 'server/src')), statSync(path.join(root, 'tsconfig.json')).mtimeMs);
  const reason = !existsSync(main) ? 'dist missing' : statSync(main).mtimeMs < sources ? 'dist older than server/src' : '';
  if (!reason) return { built: false, reason: 'dist up to date', ok: true, ms: 0 };
  const started = Date.now();
  const tsc = path.join(root, 'node_modules/typescript/bin/tsc');
  return new Promise((resolve) => {
    execFile(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: root, timeout: 300_000, maxBuffer: 10_000_000 }, (err, stdout, stderr) => {
      // tsc still emits JavaScript on type errors; the bench can run, but says so.
      resolve({ built: true, reason, ok: !err && existsSync(main), ms: Date.now() - started, output: err ? `${stdout}${stderr}`.slice(0, 4000) : undefined });
    });
  });
}
